// sim.cpp - elaboration of the top and the controller that streams the T MC passes.
//
// Schedule (docs/timing.md): layer by layer, pass after pass.  For each input vector of a
// crossbar layer: the global-buffer read of the input (over the bus) and the dropout
// mask draw start together; then every tile of the layer reads in parallel; then the adder
// tree, the activation and the write-back of the outputs, in sequence.  The controller
// waits for the whole vector, so time stamps are exact cycle boundaries.
#include "sim.h"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "modules.h"

#include "base/status.h"

namespace ns {

using sc_core::sc_time;

// Whole cycles in a delay (delays are exact cycle multiples: models count cycles).
static uint64_t cycles_of(const sc_time &t) { return static_cast<uint64_t>(t / cycle_time()); }

// Port indices on the bus (payload addresses).
enum : unsigned { PORT_GBUF = 0, PORT_SCALE = 1, PORT_PERIPH = 2, PORT_FIRST_DYNAMIC = 3 };

class Controller : public sc_core::sc_module {
  public:
    tlm_utils::simple_initiator_socket<Controller> socket;

    Controller(sc_core::sc_module_name name, const sim_job_t &job, std::vector<unsigned> drng_port,
               std::vector<unsigned> arb_port, std::vector<unsigned> tile_port, size_t mask_words,
               size_t unit_words)
        : sc_module(name), socket("socket"), m_job(job), m_drng_port(std::move(drng_port)),
          m_arb_port(std::move(arb_port)), m_tile_port(std::move(tile_port)),
          m_mask(mask_words ? mask_words : 1, 0), m_units(unit_words ? unit_words : 1, 0)
    {
        SC_HAS_PROCESS(Controller);
        SC_THREAD(run);
        m_gp.set_extension(&m_op);
    }
    ~Controller() override { m_gp.clear_extension(&m_op); }
    Controller(const Controller &) = delete;
    Controller &operator=(const Controller &) = delete;

    int status = ST_OK;     // first model or writer failure
    std::string error;      // its one-line reason
    bool stopped = false;   // stopped by *job.stop

  private:
    // Sends op to `port` with a fresh local delay and returns the delay.  A failure is
    // recorded; the caller checks `status`.
    sc_time send(unsigned port, uint64_t *data = nullptr)
    {
        sc_time d = sc_core::SC_ZERO_TIME;
        m_gp.set_address(port);
        m_gp.set_data_ptr(reinterpret_cast<unsigned char *>(data));
        m_gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        m_op.status = ST_OK;
        socket->b_transport(m_gp, d);
        if (!m_gp.is_response_ok() && status == ST_OK) {
            status = m_op.status != ST_OK ? m_op.status : ST_EINVAL;
            error = "model refused an operation on bus port " + std::to_string(port) + " (" +
                    st_str(status) + ")";
        }
        return d;
    }

    void set_op(Op op, uint64_t n = 0, uint64_t bus_bits = 0)
    {
        m_op.op = op;
        m_op.n = n;
        m_op.bus_bits = bus_bits;
    }

    uint32_t setup_layer_pass(uint32_t i, trc_rec_t &rec); // m_op.pass is set
    void run_mvm_layer(uint32_t i, uint32_t pass, trc_rec_t &rec);
    void run_other_layer(uint32_t i, trc_rec_t &rec);
    void run();

    const sim_job_t &m_job;
    std::vector<unsigned> m_drng_port; // per layer; 0 = no dropout bank
    std::vector<unsigned> m_arb_port;  // per layer; 0 = no arbiter
    std::vector<unsigned> m_tile_port; // per physical tile
    std::vector<uint64_t> m_mask;      // the current input vector's row mask
    std::vector<uint64_t> m_units;     // the current pass's unit mask (per-pass schemes)
    tlm::tlm_generic_payload m_gp;
    OpExt m_op;
};

// Once per layer and pass, before the first vector: the thresholds (one scale-buffer word
// per output channel) and the scheme's scale vector or gamma/beta latch into the
// periphery; the scheme's per-pass randomness is drawn (a unit mask, or the arbiter's
// selection); subset VI reads its scale crossbar and samples the scale.  Returns the
// crossbar set (copy) the vectors use.
uint32_t Controller::setup_layer_pass(uint32_t i, trc_rec_t &rec)
{
    const wl_layer_map_t &m = m_job.map->layers[i];
    set_op(Op::Read, uint64_t(m.cols) * m_job.arch->scale_buf.word_bits);
    sc_time t = send(PORT_SCALE);
    if (m.sram_bits) {
        set_op(Op::Read, m.sram_bits);
        t += send(PORT_SCALE);
    }
    uint32_t copy = 0;
    if (m.sto == WL_STO_PASS) {
        set_op(Op::Draw);
        m_op.mvm = 0;
        const sc_time d = send(m_drng_port[i], m_units.data());
        rec.rng_cycles += cycles_of(d);
        t += d;
    } else if (m.sto == WL_STO_ARBITER) {
        set_op(Op::Select);
        const sc_time d = send(m_arb_port[i]);
        rec.rng_cycles += cycles_of(d);
        t += d;
        copy = m_op.sel;
    }
    if (m.n_extra) { // subset VI: mean and deviation rows of the scale crossbar, in parallel
        sc_time extra = sc_core::SC_ZERO_TIME;
        const wl_slice_t *xs = m.slices + size_t(m.copies) * m.slices_per_copy;
        for (uint32_t s = 0; s < m.n_extra; s++) {
            set_op(Op::Mvm);
            m_op.row_off = 0;
            m_op.rows = xs[s].rows;
            m_op.cols = xs[s].cols;
            m_op.units = nullptr;
            m_op.cell_mtjs = m_job.arch->bayes.mtjs_per_cell; // multi-level cells
            extra = std::max(extra, send(m_tile_port[xs[s].tile]));
        }
        set_op(Op::Sample, m.cols);
        t += extra + send(PORT_PERIPH);
    }
    wait(t);
    return copy;
}

void Controller::run_mvm_layer(uint32_t i, uint32_t pass, trc_rec_t &rec)
{
    const wl_layer_map_t &m = m_job.map->layers[i];
    const unsigned drng = m_drng_port[i];
    m_op.acc = &rec.acts;
    m_op.pass = pass;
    const uint32_t copy = setup_layer_pass(i, rec);
    const wl_slice_t *slices = m.slices + size_t(copy) * m.slices_per_copy;
    const bool per_vector = m.sto == WL_STO_VECTOR;
    const bool expand = m.sto == WL_STO_PASS && m.gran != WL_GRAN_WEIGHT && m.gran != WL_GRAN_SCALAR;
    const uint64_t *wmask = m.sto == WL_STO_PASS && m.gran == WL_GRAN_WEIGHT ? m_units.data() : nullptr;

    for (uint32_t v = 0; v < m.n_mvm && status == ST_OK; v++) {
        m_op.mvm = v;
        set_op(Op::Read, m.rows, m.rows);
        sc_time t = send(PORT_GBUF);
        uint64_t *mask = nullptr;
        if (per_vector || expand) {
            set_op(per_vector ? Op::Draw : Op::Expand);
            m_op.units = m_units.data();
            const sc_time d = send(drng, m_mask.data());
            rec.rng_cycles += cycles_of(d);
            t = std::max(t, d);
            mask = m_mask.data();
            rec.rows_dropped += m_op.dropped;
        }
        sc_time tiles = sc_core::SC_ZERO_TIME;
        set_op(Op::Mvm);
        m_op.units = wmask;
        m_op.wcols = m.cols;
        m_op.cell_mtjs = m.cell_mtjs;
        for (uint32_t s = 0; s < m.slices_per_copy; s++) {
            const wl_slice_t &sl = slices[s];
            m_op.row_off = sl.row_off;
            m_op.rows = sl.rows;
            m_op.cols = sl.cols;
            m_op.col_off = sl.col_off;
            tiles = std::max(tiles, send(m_tile_port[sl.tile], mask));
        }
        t += tiles;
        if (m.n_psum > 1) {
            set_op(Op::Reduce);
            m_op.n_partials = m.n_psum;
            m_op.cols = m.cols;
            t += send(PORT_PERIPH);
        }
        if (m.post != WL_POST_NONE) {
            set_op(m.post == WL_POST_SCALE ? Op::Scale : Op::Norm, m.cols);
            t += send(PORT_PERIPH);
        }
        set_op(Op::Activate, m.cols);
        t += send(PORT_PERIPH);
        set_op(Op::Write, m.cols, m.cols);
        t += send(PORT_GBUF);
        wait(t);
    }
    // Every random bit is one SET/sense/RESET of a stochastic MTJ, in a dropout module or
    // in the arbiter.
    rec.rng_bits = rec.acts.n[ACT_DRNG_SET] + rec.acts.n[ACT_ARB_BIT];
}

void Controller::run_other_layer(uint32_t i, trc_rec_t &rec)
{
    const wl_layer_t &l = m_job.net->layers[i];
    m_op.acc = &rec.acts;
    const uint64_t in = wl_layer_in_elems(&l), out = wl_layer_out_elems(&l);
    sc_time t;
    if (l.kind == WL_ADD) {
        set_op(Op::Read, 2 * out, 2 * out); // both operands
        t = send(PORT_GBUF);
        set_op(Op::Add, out);
        t += send(PORT_PERIPH);
    } else { // max or average pooling
        set_op(Op::Read, in, in);
        t = send(PORT_GBUF);
        set_op(Op::Pool, out);
        m_op.window = l.k * l.k;
        t += send(PORT_PERIPH);
    }
    set_op(Op::Write, out, out);
    t += send(PORT_GBUF);
    wait(t);
}

void Controller::run()
{
    const uint32_t n = m_job.net->n_layers;
    for (uint32_t pass = 0; pass < m_job.T && status == ST_OK; pass++) {
        for (uint32_t i = 0; i < n && status == ST_OK; i++) {
            if (m_job.stop && *m_job.stop) {
                stopped = true;
                return; // no event is pending: sc_start() returns
            }
            trc_rec_t rec = {};
            rec.layer = i;
            rec.pass = pass;
            const uint64_t t0 = static_cast<uint64_t>(sc_core::sc_time_stamp() / cycle_time());
            rec.start_cyc = t0;
            if (wl_layer_is_mvm(&m_job.net->layers[i]))
                run_mvm_layer(i, pass, rec);
            else
                run_other_layer(i, rec);
            rec.cycles = static_cast<uint64_t>(sc_core::sc_time_stamp() / cycle_time()) - t0;
            if (status != ST_OK)
                break;
            trc_sum_add(m_job.sum, &rec);
            if (m_job.out && trc_out_rec(m_job.out, &rec) != ST_OK) {
                status = ST_EIO;
                error = "writing the traces failed";
            }
        }
    }
    // Returning leaves no pending event, so sc_start() returns (no sc_stop() banner).
}

// The elaborated design: owns every module.
struct Top {
    std::unique_ptr<Controller> ctrl;
    std::unique_ptr<BusModule> bus;
    std::unique_ptr<SbufModule> gbuf, scale;
    std::unique_ptr<PeriphModule> periph;
    std::vector<std::unique_ptr<DrngModule>> drngs; // per layer, null without dropout
    std::vector<std::unique_ptr<ArbModule>> arbs;   // per layer, null without an arbiter
    std::vector<std::unique_ptr<TileModule>> tiles; // per used tile
};

// Throws nothing: returns ST_* and fills err on a model that refuses its parameters.
static int elaborate(const sim_job_t &job, Top &top, sim_prog_t *prog, char *err, size_t errn)
{
    const arch_t &a = *job.arch;
    const wl_map_t &map = *job.map;
    bus_t *bus = nullptr;
    sbuf_t *gbuf = nullptr, *scale = nullptr;
    periph_t *periph = nullptr;
    int st;
    if ((st = bus_create(&a.bus, &bus)) || (st = sbuf_create(&a.gbuf, &gbuf)) ||
        (st = sbuf_create(&a.scale_buf, &scale)) || (st = periph_create(&a.periph, &periph))) {
        bus_destroy(bus);
        sbuf_destroy(gbuf);
        sbuf_destroy(scale);
        periph_destroy(periph);
        snprintf(err, errn, "cannot build the shared blocks: %s", st_str(st));
        return st;
    }
    top.bus.reset(new BusModule("bus", bus));
    top.gbuf.reset(new SbufModule("gbuf", gbuf));
    top.scale.reset(new SbufModule("scale_buf", scale));
    top.periph.reset(new PeriphModule("periph", periph));
    top.bus->initiator.bind(top.gbuf->socket);   // PORT_GBUF
    top.bus->initiator.bind(top.scale->socket);  // PORT_SCALE
    top.bus->initiator.bind(top.periph->socket); // PORT_PERIPH
    unsigned next_port = PORT_FIRST_DYNAMIC;

    std::vector<unsigned> drng_port(job.net->n_layers, 0), arb_port(job.net->n_layers, 0);
    top.drngs.resize(job.net->n_layers);
    top.arbs.resize(job.net->n_layers);
    size_t mask_words = 1, unit_words = 1;
    for (uint32_t i = 0; i < job.net->n_layers; i++) {
        const wl_layer_t &l = job.net->layers[i];
        const wl_layer_map_t &m = map.layers[i];
        mask_words = std::max<size_t>(mask_words, (m.rows + 63) / 64);
        if (m.sto == WL_STO_ARBITER) {
            arb_t *arb = nullptr;
            if ((st = arb_create(&a.arb, job.seed, i, &arb)) != ST_OK) {
                snprintf(err, errn, "layer '%s': cannot build its arbiter: %s", l.name, st_str(st));
                return st;
            }
            std::string name = std::string("arb_") + l.name;
            top.arbs[i].reset(new ArbModule(sc_core::sc_gen_unique_name(name.c_str()), arb));
            top.bus->initiator.bind(top.arbs[i]->socket);
            arb_port[i] = next_port++;
            continue;
        }
        if (m.sto != WL_STO_VECTOR && m.sto != WL_STO_PASS)
            continue;
        // A per-pass draw spreads its units over the layer's physical modules, each drawing
        // its share in turn (subset VI: one module per scale element, sample_bits each); a
        // per-vector bank shares as the architecture says.
        drng_params_t dp = a.drng;
        if (m.sto == WL_STO_PASS && m.drng_modules > 0)
            dp.share = uint32_t((m.units + m.drng_modules - 1) / m.drng_modules);
        drng_t *d = nullptr;
        if (m.units > UINT32_MAX ||
            (st = drng_create(&dp, job.seed, i, uint32_t(m.units), m.p, &d)) != ST_OK) {
            if (m.units > UINT32_MAX)
                st = ST_ERANGE;
            snprintf(err, errn, "layer '%s': cannot build its dropout modules: %s", l.name,
                     st_str(st));
            return st;
        }
        const dmask_geom_t geom = {l.cin, l.hin, l.win, l.k, l.stride, l.pad, l.wout, m.rows};
        const dmask_gran_t gran = m.gran == WL_GRAN_NEURON    ? DMASK_NEURON
                                  : m.gran == WL_GRAN_CHANNEL ? DMASK_CHANNEL
                                                              : DMASK_ROW;
        std::string name = std::string("drng_") + l.name;
        top.drngs[i].reset(new DrngModule(sc_core::sc_gen_unique_name(name.c_str()), d, geom, gran));
        top.bus->initiator.bind(top.drngs[i]->socket);
        drng_port[i] = next_port++;
        unit_words = std::max<size_t>(unit_words, (m.units + 63) / 64);
    }

    std::vector<unsigned> tile_port(a.tiles, 0);
    std::vector<uint64_t> tile_prog_cycles(a.tiles, 0);
    prog->cycles = 0;
    act_counts_clear(&prog->acts);
    for (uint32_t i = 0; i < map.n_layers; i++) {
        const wl_layer_map_t &m = map.layers[i];
        for (uint32_t s = 0; s < m.n_slices; s++) {
            const wl_slice_t &sl = m.slices[s];
            tile_t *t = nullptr;
            if ((st = tile_create(&a.tile, &t)) != ST_OK) {
                snprintf(err, errn, "cannot build tile %u: %s", sl.tile, st_str(st));
                return st;
            }
            uint64_t c = 0;
            if ((st = tile_program(t, sl.rows, sl.cols, &c, &prog->acts)) != ST_OK) {
                tile_destroy(t);
                snprintf(err, errn, "cannot program tile %u: %s", sl.tile, st_str(st));
                return st;
            }
            prog->cycles = std::max(prog->cycles, c); // tiles program in parallel
            std::string name = "tile_" + std::to_string(sl.tile);
            top.tiles.emplace_back(new TileModule(name.c_str(), t));
            top.bus->initiator.bind(top.tiles.back()->socket);
            tile_port[sl.tile] = next_port++;
        }
    }
    top.ctrl.reset(new Controller("controller", job, std::move(drng_port), std::move(arb_port),
                                  std::move(tile_port), mask_words, unit_words));
    top.ctrl->socket.bind(top.bus->target);
    return ST_OK;
}

// Writes the hardware blocks' counters to stats.csv.
static int dump_blocks(const sim_job_t &job, const Top &top)
{
    trc_out_t *o = job.out;
    int st = ST_OK;
    for (const auto &t : top.tiles) {
        uint32_t idx = 0;
        sscanf(t->basename(), "tile_%u", &idx);
        st |= trc_out_block(o, "chip.tile", idx, tile_stat_descs, tile_stat_ndescs, tile_stats(t->model()));
        st |= trc_out_block(o, "chip.tile.xbar", idx, xbar_stat_descs, xbar_stat_ndescs,
                            tile_xbar_stats(t->model()));
        st |= trc_out_block(o, "chip.tile.wldec", idx, wldec_stat_descs, wldec_stat_ndescs,
                            tile_wldec_stats(t->model()));
        st |= trc_out_block(o, "chip.tile.senseamp", idx, senseamp_stat_descs, senseamp_stat_ndescs,
                            tile_sa_stats(t->model()));
        st |= trc_out_block(o, "chip.tile.adapter", idx, adapter_stat_descs, adapter_stat_ndescs,
                            &t->adapter_stats());
    }
    for (uint32_t i = 0; i < top.drngs.size(); i++) {
        if (top.drngs[i])
            st |= trc_out_block(o, "chip.drng", i, drng_stat_descs, drng_stat_ndescs,
                                drng_stats(top.drngs[i]->model()));
        if (top.arbs[i])
            st |= trc_out_block(o, "chip.arb", i, arb_stat_descs, arb_stat_ndescs,
                                arb_stats(top.arbs[i]->model()));
    }
    st |= trc_out_block(o, "chip.gbuf", 0, sbuf_stat_descs, sbuf_stat_ndescs, sbuf_stats(top.gbuf->model()));
    st |= trc_out_block(o, "chip.scale_buf", 0, sbuf_stat_descs, sbuf_stat_ndescs,
                        sbuf_stats(top.scale->model()));
    st |= trc_out_block(o, "chip.periph", 0, periph_stat_descs, periph_stat_ndescs,
                        periph_stats(top.periph->model()));
    st |= trc_out_block(o, "chip.bus", 0, bus_stat_descs, bus_stat_ndescs, bus_stats(top.bus->model()));
    st |= trc_out_block(o, "chip.bus.adapter", 0, adapter_stat_descs, adapter_stat_ndescs,
                        &top.bus->adapter_stats());
    return st == ST_OK ? ST_OK : ST_EIO;
}

} // namespace ns

extern "C" int sim_run(const sim_job_t *job, sim_prog_t *prog, char *err, size_t errn)
{
    ns::Top top;
    int st = ns::elaborate(*job, top, prog, err, errn);
    if (st != ST_OK)
        return st;
    sc_core::sc_start();
    if (top.ctrl->status != ST_OK) {
        snprintf(err, errn, "%s", top.ctrl->error.c_str());
        return top.ctrl->status;
    }
    if (top.ctrl->stopped)
        return 1;
    if (job->out && ns::dump_blocks(*job, top) != ST_OK) {
        snprintf(err, errn, "writing the block statistics failed");
        return ST_EIO;
    }
    return ST_OK;
}
