// sim.cpp - elaboration of the top and the layer engines that stream the T MC passes.
//
// Every layer has an engine (an SC_THREAD, the initiator of its operations) that runs its
// passes in order by interpreting the layer's operation program (workloads/wl_prog.h):
// once per pass its set-up steps, then output row by output row its body steps once per
// item (input vector or pooled row), as docs/timing.md describes.  What a layer does is
// written only in the program; this file knows how to send an operation and wait.  The engines
// share three resources, each arbitrated by the TLM library's nstlm::Arbiter
// (sim/tlm/ns_arbiter.h): the global activation path is the library's nstlm::Bus in front of the
// global buffer, and every global-path operation is a transaction through it, arbitrated there
// like any initiator's; the digital periphery and the scale buffer each have an nstlm::Arbiter
// that the engine acquires around a step (a step there is several operations under one grant).
// A request made at cycle t is decided half a cycle later, at t + 0.5, when every request of
// cycle t is in, by the policy chip.arbitration (static: the lower layer index wins; age: the
// oldest MC pass, then the lower layer); the granted
// operation occupies the resource from cycle t (or from the cycle it was freed) for the cycles its
// model returns.  Under the pipelined schedule a layer starts a pass only within
// chip.max_passes_ahead of the last layer's and while the passes in flight fit in the global
// buffer.  Two timing kernels run the same engine program:
//  - event: engines wait for exact cycle times and arbiters are woken by request and release
//    events only, so idle cycles are skipped;
//  - cycle: a clocked execution of the same engines: a clock steps every cycle, engines advance
//    on its rising edges and arbiters decide on every falling edge.  It checks the event
//    kernel's scheduling (both must give identical cycles and action counts); it is not an
//    independent model.  The independent timing reference is the RTL (rtl/, docs/timing.md).
#include "sim.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "modules.h"
#include "ns_arbiter.h"
#include "ns_tlm.h"

#include "base/status.h"

namespace ns
{

using sc_core::sc_time;

// Port indices on the router (payload addresses).
enum : unsigned { PORT_SCALE = 0, PORT_PERIPH = 1, PORT_FIRST_DYNAMIC = 2 };

// The global buffer on the global-path bus: one region at 0 (its traffic has no addresses).
static const uint64_t GBUF_BASE = 0, GBUF_SPAN = uint64_t{1} << 40;

// The arbiters of the shared resources, indexed by wl_res_t.
static const char *const res_name[WL_RES_SHARED] = {"arb_gbuf_bus", "arb_periph", "arb_scale_buf"};

// Whole cycles in a delay (delays are exact cycle multiples: models count cycles).
static uint64_t cycles_of(const sc_time &t)
{
    return static_cast<uint64_t>(t / cycle_time());
}
static uint64_t now_cycle()
{
    return cycles_of(sc_core::sc_time_stamp());
}
static sc_time at_cycle(uint64_t c)
{
    return cycle_time() * static_cast<double>(c);
}

// How time advances: event skips to the next boundary, cycle steps the clock.
class Clocking
{
  public:
    explicit Clocking(bool cycle)
        : m_clk(cycle ? new sc_core::sc_clock("clk", cycle_time(), 0.5, sc_core::SC_ZERO_TIME, true)
                      : nullptr)
    {
    }
    bool cycle_mode() const { return m_clk != nullptr; }
    sc_core::sc_clock *clk() { return m_clk.get(); }

    // Returns at cycle c (now when c is past).
    void wait_until(uint64_t c)
    {
        const sc_time t = at_cycle(c);
        if (!m_clk) {
            if (t > sc_core::sc_time_stamp())
                sc_core::wait(t - sc_core::sc_time_stamp());
            return;
        }
        while (sc_core::sc_time_stamp() < t)
            sc_core::wait(m_clk->posedge_event());
    }

    // Waits for e; the clocked kernel also wakes on every rising edge.
    void wait_on(sc_core::sc_event &e)
    {
        if (m_clk)
            sc_core::wait(e | m_clk->posedge_event());
        else
            sc_core::wait(e);
    }

  private:
    std::unique_ptr<sc_core::sc_clock> m_clk;
};

// Progress of one layer: rows of its output done in its current pass.
struct LayerProgress {
    uint32_t pass = 0; // passes fully done
    uint32_t rows = 0; // rows done in pass `pass`
    uint32_t total_rows = 1;
    sc_core::sc_event ev;

    bool has(uint32_t p, uint32_t r) const { return pass > p || (pass == p && rows >= r); }
    void row_done()
    {
        if (++rows == total_rows) {
            pass++;
            rows = 0;
        }
        ev.notify(sc_core::SC_ZERO_TIME);
    }
};

class Top;

// One layer's engine: the initiator of all its operations.  It interprets the layer's
// operation program (workloads/wl_prog.h): it never decides itself what a layer does.
class Engine : public sc_core::sc_module
{
  public:
    tlm_utils::simple_initiator_socket<Engine> socket; // the router: own blocks, periph, scale
    tlm_utils::simple_initiator_socket<Engine> gpath;  // the global-path bus (nstlm::Bus)
    sc_core::sc_signal<bool> tiles_busy, rng_busy;     // for the waveform

    Engine(sc_core::sc_module_name name, Top &top, uint32_t layer);
    ~Engine() override
    {
        m_gp.clear_extension(&m_op);
        m_gp.clear_extension(&m_info);
    }
    Engine(const Engine &) = delete;
    Engine &operator=(const Engine &) = delete;

    unsigned drng_port = 0, arb_port = 0;

  private:
    void run();
    void run_pass(uint32_t pass, trc_rec_t &rec);
    void wait_inputs(uint32_t pass, uint32_t need_rows);
    void run_steps(unsigned first, unsigned n, uint32_t item, trc_rec_t &rec);
    sc_time issue(const wl_op_t &op, unsigned res, trc_rec_t &rec);

    sc_time send(unsigned port, uint64_t *data = nullptr);
    sc_time send_gpath(uint64_t bits);
    void set_op(Op op, uint64_t n = 0)
    {
        m_op.op = op;
        m_op.n = n;
    }
    // Runs the operations that fn issues on shared resource r: acquire, call, wait, release.
    template <class Fn> uint64_t on(unsigned r, Fn fn);
    // --trace-tx: one line for step k of the program (req, grant, release cycles).
    void tx(unsigned k, uint64_t req, uint64_t grant, uint64_t rel, uint64_t dur);

    Top &m_top;
    const uint32_t m_layer;
    const wl_prog_layer_t &m_prog;
    uint32_t m_copy = 0; // the crossbar copy the pass's SELECT picked
    tlm::tlm_generic_payload m_gp;
    OpExt m_op;
    nstlm::InfoExt m_info; // for the global-path bus: age key, bits, action counts
    std::vector<uint64_t> m_mask, m_units;
};

// The elaborated design: owns every module.
class Top
{
  public:
    const sim_job_t &job;
    Clocking clocking;
    // The layers' operation programs; declared first, so released after every engine.
    std::unique_ptr<wl_prog_t, void (*)(wl_prog_t *)> prog{nullptr, wl_prog_destroy};
    std::unique_ptr<BusModule> bus;    // the router to the layers' blocks, periph, scale buffer
    std::unique_ptr<nstlm::Bus> gpath; // the global path: the bus to the global buffer
    std::unique_ptr<SbufModule> gbuf, scale;
    std::unique_ptr<PeriphModule> periph;
    std::unique_ptr<nstlm::Arbiter> own_arb[WL_RES_SHARED]; // periph, scale buffer (not gbuf)
    nstlm::Arbiter *arb[WL_RES_SHARED] = {};        // each resource's arbiter; clients: the layers
    std::vector<std::unique_ptr<DrngModule>> drngs; // per layer, null without dropout
    std::vector<std::unique_ptr<ArbModule>> arbs;   // per layer, null without an arbiter
    std::vector<std::unique_ptr<TileModule>> tiles; // per used tile
    std::vector<unsigned> tile_port;                // per physical tile
    std::vector<std::unique_ptr<Engine>> engines;   // per layer
    std::vector<LayerProgress> progress;            // per layer
    int status = ST_OK;                             // first failure
    std::string error;                              // its one-line reason
    bool stopped = false;                           // stopped by *job.stop
    FILE *tx = nullptr;                             // --trace-tx, or null
    unsigned running = 0;                           // engines not finished
    // pipeline: passes a layer may be ahead of the last layer's pass (chip.max_passes_ahead
    // and the global buffer's room for the passes in flight); UINT64_MAX: no gate
    uint64_t ahead = UINT64_MAX;

    Top(const sim_job_t &j) : job(j), clocking(j.timing == SIM_TIMING_CYCLE) {}

    // Layers before the first Bayesian one, run in pass 0 only (chip.reuse_prefix).
    uint32_t prefix() const { return prog->prefix; }

    void fail(int st, const std::string &why)
    {
        if (status == ST_OK) {
            status = st;
            error = why;
        }
        sc_core::sc_stop();
    }

    // Records leave in (pass, layer) order whatever order layers finish in, so outputs do
    // not depend on the timing kernel; only the records in flight are held.
    void emit(const trc_rec_t &rec)
    {
        m_pending.emplace(std::make_pair(rec.pass, rec.layer), rec);
        for (auto it = m_pending.begin(); it != m_pending.end() && it->first == m_next;
             it = m_pending.begin()) {
            trc_sum_add(job.sum, &it->second);
            if (job.out && trc_out_rec(job.out, &it->second) != ST_OK && status == ST_OK)
                fail(ST_EIO, "writing the traces failed");
            m_pending.erase(it);
            if (++m_next.second == job.net->n_layers) {
                m_next.second = 0;
                m_next.first++;
            }
        }
    }

    void engine_done()
    {
        if (--running == 0)
            sc_core::sc_stop(); // the clock of the cycle kernel never runs dry
    }

  private:
    std::map<std::pair<uint32_t, uint32_t>, trc_rec_t> m_pending;
    std::pair<uint32_t, uint32_t> m_next{0, 0};
};

Engine::Engine(sc_core::sc_module_name name, Top &top, uint32_t layer)
    : sc_module(name), socket("socket"), gpath("gpath"), tiles_busy("tiles_busy", false),
      rng_busy("rng_busy", false), m_top(top), m_layer(layer), m_prog(top.prog->layers[layer])
{
    SC_HAS_PROCESS(Engine);
    SC_THREAD(run);
    m_gp.set_extension(&m_op);
    m_gp.set_extension(&m_info);
    const wl_layer_map_t &m = top.job.map->layers[layer];
    m_mask.assign((m.rows + 63) / 64 + 1, 0);
    m_units.assign((m.units + 63) / 64 + 1, 0);
}

sc_time Engine::send(unsigned port, uint64_t *data)
{
    sc_time d = sc_core::SC_ZERO_TIME;
    m_gp.set_address(port);
    m_gp.set_data_ptr(reinterpret_cast<unsigned char *>(data));
    m_gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    m_op.status = ST_OK;
    socket->b_transport(m_gp, d);
    if (!m_gp.is_response_ok()) {
        const int st = m_op.status != ST_OK ? m_op.status : ST_EINVAL;
        m_top.fail(st, "model refused an operation of layer '" +
                           std::string(m_top.job.net->layers[m_layer].name) + "' on bus port " +
                           std::to_string(port) + " (" + st_str(st) + ")");
    }
    return d;
}

// A global-path operation is one transaction through the bus (nstlm::Bus), the TLM library's:
// it arbitrates it like any initiator's (client: the layer's binding, age key: the pass),
// charges bus_transfer for its exact bits and the global buffer's cycles, and returns when
// the hold ends (m_info.wait_cycles: the cycles it waited for the grant).  Its data are not
// modelled.
sc_time Engine::send_gpath(uint64_t bits)
{
    sc_time d = sc_core::SC_ZERO_TIME;
    if (bits == 0 || bits > uint64_t{8} * UINT32_MAX) { // a payload's length is 32 bits
        m_top.fail(ST_ERANGE, "layer '" + std::string(m_top.job.net->layers[m_layer].name) +
                                  "': a global-path transfer of " + std::to_string(bits) + " bits");
        return d;
    }
    const unsigned len = static_cast<unsigned>((bits + 7) / 8);
    m_gp.set_command(m_op.op == Op::Write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    m_gp.set_address(GBUF_BASE);
    m_gp.set_data_ptr(nullptr);
    m_gp.set_data_length(len);
    m_gp.set_streaming_width(len);
    m_gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    m_info.bits = bits;
    m_info.age = m_op.pass;
    m_op.status = ST_OK;
    gpath->b_transport(m_gp, d);
    if (!m_gp.is_response_ok()) {
        const int st = m_op.status != ST_OK ? m_op.status : ST_EINVAL;
        m_top.fail(st, "model refused an operation of layer '" +
                           std::string(m_top.job.net->layers[m_layer].name) +
                           "' on the global path (" + st_str(st) + ")");
    }
    return d;
}

// A shared-resource operation lasts at least one cycle, so it always ends on a cycle
// boundary after its grant (docs/timing.md).
template <class Fn> uint64_t Engine::on(unsigned r, Fn fn)
{
    m_top.arb[r]->acquire(m_layer, m_op.pass);
    const uint64_t start = now_cycle(); // granted at start + 0.5
    const uint64_t cycles = std::max<uint64_t>(1, cycles_of(fn()));
    m_top.clocking.wait_until(start + cycles);
    m_top.arb[r]->release();
    return start;
}

// The per-transaction trace (docs/timing.md, "Transaction traces"): the step's operations,
// the bits of a buffer step, the models' cycles and the request, grant and release cycles.
void Engine::tx(unsigned k, uint64_t req, uint64_t grant, uint64_t rel, uint64_t dur)
{
    if (!m_top.tx)
        return;
    const wl_step_t &s = m_prog.steps[k];
    char ops[96] = "";
    size_t len = 0;
    uint64_t bits = 0;
    for (unsigned j = 0; j < s.n_ops && len < sizeof ops - 16; j++) {
        const wl_op_t &op = m_prog.ops[s.first + j];
        len += size_t(
            snprintf(ops + len, sizeof ops - len, "%s%s", j ? "+" : "", wl_op_name(op.kind)));
        if (op.kind == WL_OP_READ || op.kind == WL_OP_WRITE)
            bits += op.n;
    }
    fprintf(m_top.tx, "%u,%u,%u,%u,%s,%s,%llu,%llu,%llu,%llu,%llu\n", m_layer, m_op.pass, m_op.mvm,
            k, wl_res_name(s.res), ops, (unsigned long long)bits, (unsigned long long)dur,
            (unsigned long long)req, (unsigned long long)grant, (unsigned long long)rel);
}

// Blocks until the layer's inputs hold `need_rows` rows of pass `pass`.
void Engine::wait_inputs(uint32_t pass, uint32_t need_rows)
{
    for (int32_t src : m_prog.src) {
        if (src < 0)
            continue;
        LayerProgress &p = m_top.progress[size_t(src)];
        const bool reused = uint32_t(src) < m_top.prefix() && pass > 0; // held from pass 0
        const uint32_t rows = need_rows == WL_PROG_ALL_ROWS ? p.total_rows : need_rows;
        while (!p.has(reused ? 0 : pass, rows))
            m_top.clocking.wait_on(p.ev);
    }
}

// Sends one operation of the program to its block; returns the model's delay (an MVM: the
// slowest of its slices, read in parallel).
sc_time Engine::issue(const wl_op_t &op, unsigned res, trc_rec_t &rec)
{
    switch (op.kind) {
    case WL_OP_READ:
    case WL_OP_WRITE: {
        set_op(op.kind == WL_OP_READ ? Op::Read : Op::Write, op.n);
        m_op.line_bits = op.kind == WL_OP_READ ? op.arg : 0;
        return res == WL_RES_GBUF ? send_gpath(op.n) : send(PORT_SCALE);
    }
    case WL_OP_MVM: {
        const wl_layer_map_t &m = m_top.job.map->layers[m_layer];
        const wl_slice_t *sl = m.slices + op.slice;
        if (op.flags & WL_OPF_PICKED)
            sl += size_t(m_copy) * m_prog.copy_slices;
        uint64_t *mask = op.flags & WL_OPF_IN_ROWS ? m_mask.data() : nullptr;
        sc_time slowest = sc_core::SC_ZERO_TIME;
        set_op(Op::Mvm);
        m_op.units = op.flags & WL_OPF_IN_UNITS ? m_units.data() : nullptr;
        m_op.wcols = uint32_t(op.n);
        m_op.cell_mtjs = op.arg;
        for (uint32_t s = 0; s < op.count; s++) {
            m_op.row_off = sl[s].row_off;
            m_op.rows = sl[s].rows;
            m_op.cols = sl[s].cols;
            m_op.col_off = sl[s].col_off;
            slowest = std::max(slowest, send(m_top.tile_port[sl[s].tile], mask));
        }
        return slowest;
    }
    case WL_OP_DRAW:
    case WL_OP_EXPAND: {
        const bool rows = (op.flags & WL_OPF_OUT_ROWS) != 0;
        set_op(op.kind == WL_OP_DRAW ? Op::Draw : Op::Expand);
        m_op.units = m_units.data();
        const sc_time d = send(drng_port, rows ? m_mask.data() : m_units.data());
        if (rows)
            rec.rows_dropped += m_op.dropped;
        return d;
    }
    case WL_OP_SELECT: {
        set_op(Op::Select);
        const sc_time d = send(arb_port);
        m_copy = m_op.sel;
        return d;
    }
    case WL_OP_REDUCE:
        set_op(Op::Reduce, op.n);
        m_op.n_partials = op.arg;
        m_op.cols = uint32_t(op.n);
        return send(PORT_PERIPH);
    case WL_OP_POOL:
        set_op(Op::Pool, op.n);
        m_op.window = op.arg;
        return send(PORT_PERIPH);
    case WL_OP_SCALE:
        set_op(Op::Scale, op.n);
        return send(PORT_PERIPH);
    case WL_OP_NORM:
        set_op(Op::Norm, op.n);
        return send(PORT_PERIPH);
    case WL_OP_ACTIVATE:
        set_op(Op::Activate, op.n);
        return send(PORT_PERIPH);
    case WL_OP_SAMPLE:
        set_op(Op::Sample, op.n);
        return send(PORT_PERIPH);
    case WL_OP_ADD:
        set_op(Op::Add, op.n);
        return send(PORT_PERIPH);
    default:
        SIM_BUG("operation kind outside wl_op_kind_t");
    }
    return sc_core::SC_ZERO_TIME;
}

// Runs steps [first, first + n) of the program for item `item` (docs/timing.md): a shared
// step under one grant of its arbiter, the operations one after another; a step of the
// layer's own tiles or dropout/arbiter block for its delay; an overlapping step alongside
// the next one, the layer going on when both are done.
void Engine::run_steps(unsigned first, unsigned n, uint32_t item, trc_rec_t &rec)
{
    m_op.mvm = item;
    bool pending = false; // an overlapping step runs
    uint64_t pending_end = 0;
    sc_core::sc_signal<bool> *pending_sig = nullptr;
    for (unsigned k = first; k < first + n; k++) {
        const wl_step_t &s = m_prog.steps[k];
        if (s.once && m_op.pass > 0) // resident set-up data: loaded in the first pass
            continue;
        const wl_op_t *ops = m_prog.ops + s.first;
        if (s.res == WL_RES_GBUF) { // one transaction, arbitrated by the bus
            if (s.n_ops != 1)
                SIM_BUG("a global-path step is not one operation");
            const uint64_t req = now_cycle();
            issue(ops[0], s.res, rec); // returns at the end of the hold
            const uint64_t grant = req + m_info.wait_cycles, rel = now_cycle();
            tx(k, req, grant, rel, rel - grant);
        } else if (s.res < WL_RES_SHARED) {
            const uint64_t req = now_cycle();
            uint64_t dur = 0;
            const uint64_t grant = on(s.res, [&] {
                sc_time t = sc_core::SC_ZERO_TIME;
                for (unsigned j = 0; j < s.n_ops; j++)
                    t += issue(ops[j], s.res, rec);
                dur = cycles_of(t);
                return t;
            });
            tx(k, req, grant, now_cycle(), dur);
        } else {
            const uint64_t t0 = now_cycle();
            const bool tiles = s.res == WL_RES_TILES;
            sc_core::sc_signal<bool> &sig = tiles ? tiles_busy : rng_busy;
            bool draws = false; // random bits drawn (a mask expansion is wiring)
            for (unsigned j = 0; j < s.n_ops; j++)
                draws |= ops[j].kind == WL_OP_DRAW || ops[j].kind == WL_OP_SELECT;
            if (tiles || draws)
                sig.write(true);
            sc_time d = sc_core::SC_ZERO_TIME;
            for (unsigned j = 0; j < s.n_ops; j++)
                d += issue(ops[j], s.res, rec);
            const uint64_t c = cycles_of(d);
            tx(k, t0, t0, t0 + c, c);
            if (!tiles)
                rec.rng_cycles += c;
            if (s.overlap) {
                pending = true;
                pending_end = t0 + c;
                pending_sig = &sig;
                continue;
            }
            m_top.clocking.wait_until(t0 + c);
            sig.write(false);
        }
        if (pending) {
            m_top.clocking.wait_until(pending_end);
            pending_sig->write(false);
            pending = false;
        }
    }
}

void Engine::run_pass(uint32_t pass, trc_rec_t &rec)
{
    LayerProgress &self = m_top.progress[m_layer];
    m_op.acc = &rec.acts;
    m_info.acc = &rec.acts;
    m_op.pass = pass;
    m_copy = 0;
    run_steps(0, m_prog.n_setup, 0, rec);
    for (uint32_t row = 0; row < self.total_rows && m_top.status == ST_OK; row++) {
        wait_inputs(pass, wl_prog_rows_needed(&m_prog, row));
        for (uint32_t r = 0; r < m_prog.row_items && m_top.status == ST_OK; r++)
            run_steps(m_prog.n_setup, m_prog.n_body, row * m_prog.row_items + r, rec);
        self.row_done();
    }
}

void Engine::run()
{
    const sim_job_t &job = m_top.job;
    const uint32_t n = job.net->n_layers;
    const bool layerwise = job.arch->schedule == ARCH_SCHED_LAYER;
    LayerProgress &self = m_top.progress[m_layer];
    for (uint32_t pass = 0; pass < job.T && m_top.status == ST_OK; pass++) {
        if (layerwise) { // the previous layer in program order must have finished
            if (m_layer > 0) {
                LayerProgress &p = m_top.progress[m_layer - 1];
                while (!p.has(pass + 1, 0))
                    m_top.clocking.wait_on(p.ev);
            } else if (pass > 0) {
                LayerProgress &p = m_top.progress[n - 1];
                while (!p.has(pass, 0))
                    m_top.clocking.wait_on(p.ev);
            }
        } else { // run-ahead bound and back-pressure: the last layer is at most `ahead` behind
            LayerProgress &last = m_top.progress[n - 1];
            while (pass > last.pass && pass - last.pass > m_top.ahead)
                m_top.clocking.wait_on(last.ev);
        }
        if (job.stop && *job.stop) {
            m_top.stopped = true;
            sc_core::sc_stop();
            return;
        }
        trc_rec_t rec = {};
        rec.layer = m_layer;
        rec.pass = pass;
        rec.start_cyc = now_cycle();
        if (m_layer < m_top.prefix() && pass > 0) {
            // its pass-0 output is held in the global buffer: nothing runs
            self.pass++;
            self.ev.notify(sc_core::SC_ZERO_TIME);
        } else {
            run_pass(pass, rec);
        }
        if (m_top.status != ST_OK)
            return;
        rec.cycles = now_cycle() - rec.start_cyc;
        // Every random bit is one SET/sense/RESET of a stochastic MTJ, in a dropout module
        // or in the arbiter.
        rec.rng_bits = rec.acts.n[ACT_DRNG_SET] + rec.acts.n[ACT_ARB_BIT];
        m_top.emit(rec);
    }
    m_top.engine_done();
}

// Builds the top; returns ST_* and fills err on a model that refuses its parameters.
static int elaborate(Top &top, sim_prog_t *prog, char *err, size_t errn)
{
    const sim_job_t &job = top.job;
    const arch_t &a = *job.arch;
    const wl_map_t &map = *job.map;
    const uint32_t n = job.net->n_layers;
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
    const nstlm::Policy policy =
        a.arbitration == ARCH_ARB_AGE ? nstlm::Policy::Age : nstlm::Policy::Static;
    // the clocked kernel decides on every falling edge, t + 0.5
    const sc_core::sc_event *edge =
        top.clocking.cycle_mode() ? &top.clocking.clk()->negedge_event() : nullptr;
    bus_destroy(bus); // nstlm::Bus builds its own from the same parameters
    try {
        top.gpath.reset(new nstlm::Bus("gpath", a.bus, cycle_time(), policy, edge));
    } catch (const std::invalid_argument &) {
        sbuf_destroy(gbuf);
        sbuf_destroy(scale);
        periph_destroy(periph);
        snprintf(err, errn, "cannot build the shared blocks: %s", st_str(ST_EINVAL));
        return ST_EINVAL;
    }
    top.bus.reset(new BusModule("bus"));
    top.gbuf.reset(new SbufModule("gbuf", gbuf));
    top.scale.reset(new SbufModule("scale_buf", scale));
    top.periph.reset(new PeriphModule("periph", periph));
    top.gpath->initiator.bind(top.gbuf->socket);
    top.gpath->map(0, GBUF_BASE, GBUF_SPAN);
    top.bus->initiator.bind(top.scale->socket);  // PORT_SCALE
    top.bus->initiator.bind(top.periph->socket); // PORT_PERIPH
    unsigned next_port = PORT_FIRST_DYNAMIC;
    top.arb[WL_RES_GBUF] = &top.gpath->arbiter();
    for (unsigned r = 0; r < WL_RES_SHARED; r++) {
        if (r != WL_RES_GBUF) {
            top.own_arb[r].reset(new nstlm::Arbiter(res_name[r], n, cycle_time(), policy, edge));
            top.arb[r] = top.own_arb[r].get();
        }
        top.arb[r]->trace_busy(job.vcd_path != nullptr);
    }

    wl_prog_t *program = nullptr;
    if ((st = wl_prog_build(job.net, &map, &a, &program)) != ST_OK) {
        snprintf(err, errn, "cannot build the layers' operation programs: %s", st_str(st));
        return st;
    }
    top.prog.reset(program);
    top.progress = std::vector<LayerProgress>(n);
    if (a.schedule == ARCH_SCHED_PIPELINE) {
        // Passes in flight (the last layer's current one up to the newest started) each hold
        // up to one pass's live activations beside the held prefix; a layer may start pass p
        // when p - (passes the last layer finished) <= ahead.  The mapping checked that one
        // pass fits, so ahead >= 0 and the network always progresses.
        const uint64_t cap = sbuf_capacity_bits(&a.gbuf), pass_bits = map.gbuf_peak_bits;
        const uint64_t held = program->held_bits;
        if (pass_bits)
            top.ahead = cap >= held + pass_bits ? (cap - held) / pass_bits - 1 : 0;
        if (a.max_ahead)
            top.ahead = std::min<uint64_t>(top.ahead, a.max_ahead);
    }

    top.drngs.resize(n);
    top.arbs.resize(n);
    std::vector<unsigned> drng_port(n, 0), arb_port(n, 0);
    for (uint32_t i = 0; i < n; i++) {
        const wl_layer_t &l = job.net->layers[i];
        const wl_layer_map_t &m = map.layers[i];
        const wl_prog_layer_t &pl = program->layers[i];
        top.progress[i].total_rows = pl.rows;
        if (wl_prog_uses(&pl, WL_RES_ARB)) {
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
        if (!wl_prog_uses(&pl, WL_RES_DRNG))
            continue;
        // The program says how many pairs each module serves (per-pass draws spread their
        // units over the layer's physical modules).
        drng_params_t dp = a.drng;
        if (pl.drng_share)
            dp.share = pl.drng_share;
        drng_t *d = nullptr;
        if (m.units > UINT32_MAX || (st = drng_create_chip(&dp, job.device_seed, job.seed, i,
                                                           uint32_t(m.units), m.p, &d)) != ST_OK) {
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
        top.drngs[i].reset(
            new DrngModule(sc_core::sc_gen_unique_name(name.c_str()), d, geom, gran));
        top.bus->initiator.bind(top.drngs[i]->socket);
        drng_port[i] = next_port++;
    }

    top.tile_port.assign(a.tiles, 0);
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
            top.tile_port[sl.tile] = next_port++;
        }
    }
    for (uint32_t i = 0; i < n; i++) {
        std::string name = std::string("engine_") + job.net->layers[i].name;
        top.engines.emplace_back(new Engine(sc_core::sc_gen_unique_name(name.c_str()), top, i));
        top.engines.back()->drng_port = drng_port[i];
        top.engines.back()->arb_port = arb_port[i];
        top.engines.back()->socket.bind(top.bus->target);
        top.engines.back()->gpath.bind(top.gpath->target); // binding index = layer
    }
    top.running = n;
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
        st = st_first(st, trc_out_block(o, "chip.tile", idx, tile_stat_descs, tile_stat_ndescs,
                                        tile_stats(t->model())));
        st = st_first(st, trc_out_block(o, "chip.tile.xbar", idx, xbar_stat_descs, xbar_stat_ndescs,
                                        tile_xbar_stats(t->model())));
        st = st_first(st, trc_out_block(o, "chip.tile.wldec", idx, wldec_stat_descs,
                                        wldec_stat_ndescs, tile_wldec_stats(t->model())));
        st = st_first(st, trc_out_block(o, "chip.tile.senseamp", idx, senseamp_stat_descs,
                                        senseamp_stat_ndescs, tile_sa_stats(t->model())));
        st = st_first(st, trc_out_block(o, "chip.tile.adapter", idx, adapter_stat_descs,
                                        adapter_stat_ndescs, &t->adapter_stats()));
    }
    for (uint32_t i = 0; i < top.drngs.size(); i++) {
        if (top.drngs[i])
            st = st_first(st, trc_out_block(o, "chip.drng", i, drng_stat_descs, drng_stat_ndescs,
                                            drng_stats(top.drngs[i]->model())));
        if (top.arbs[i])
            st = st_first(st, trc_out_block(o, "chip.arb", i, arb_stat_descs, arb_stat_ndescs,
                                            arb_stats(top.arbs[i]->model())));
    }
    st = st_first(st, trc_out_block(o, "chip.gbuf", 0, sbuf_stat_descs, sbuf_stat_ndescs,
                                    sbuf_stats(top.gbuf->model())));
    st = st_first(st, trc_out_block(o, "chip.scale_buf", 0, sbuf_stat_descs, sbuf_stat_ndescs,
                                    sbuf_stats(top.scale->model())));
    st = st_first(st, trc_out_block(o, "chip.periph", 0, periph_stat_descs, periph_stat_ndescs,
                                    periph_stats(top.periph->model())));
    st = st_first(st, trc_out_block(o, "chip.bus", 0, bus_stat_descs, bus_stat_ndescs,
                                    bus_stats(top.gpath->model())));
    // every transaction of the run: the router's and the global-path bus's
    AdapterStats ic = top.bus->adapter_stats();
    ic.transports += top.gpath->transactions();
    st = st_first(
        st, trc_out_block(o, "chip.bus.adapter", 0, adapter_stat_descs, adapter_stat_ndescs, &ic));
    return st; /* the first failure (ST_EIO from trc_out_block) */
}

// Traces every block's busy/idle signal (resources, and each layer's tiles and stochastic
// units) into a VCD file.
static sc_core::sc_trace_file *open_vcd(const char *path, Top &top)
{
    std::string base(path);
    if (base.size() > 4 && base.compare(base.size() - 4, 4, ".vcd") == 0)
        base.resize(base.size() - 4); // SystemC appends the extension
    sc_core::sc_trace_file *tf = sc_core::sc_create_vcd_trace_file(base.c_str());
    if (!tf)
        return nullptr;
    tf->set_time_unit(100, sc_core::SC_PS); // grants fall on half cycles (docs/timing.md)
    for (unsigned r = 0; r < WL_RES_SHARED; r++)
        sc_core::sc_trace(tf, top.arb[r]->busy, std::string(res_name[r]) + "_busy");
    for (size_t i = 0; i < top.engines.size(); i++) {
        const std::string name = top.job.net->layers[i].name;
        sc_core::sc_trace(tf, top.engines[i]->tiles_busy, name + "_tiles_busy");
        if (top.drngs[i] || top.arbs[i])
            sc_core::sc_trace(tf, top.engines[i]->rng_busy, name + "_rng_busy");
    }
    if (top.clocking.clk())
        sc_core::sc_trace(tf, *top.clocking.clk(), "clk");
    return tf;
}

// Opens the per-transaction trace and writes its header: the parameters a reference needs
// to replay the operation stream (docs/timing.md, "Transaction traces").
static FILE *open_tx(const char *path, const Top &top)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return nullptr;
    const arch_t &a = *top.job.arch;
    fprintf(f,
            "# neuspin trace-tx 3\n# arch bus_width_bits=%u t_hop_cyc=%u gbuf_word_bits=%u "
            "gbuf_t_read_cyc=%u gbuf_t_write_cyc=%u bus_overlap=%u\n# run schedule=%s T=%u "
            "prefix=%u layers=%u "
            "arbitration=%s max_ahead=%u gbuf_bits=%llu pass_bits=%llu held_bits=%llu\n",
            unsigned(a.bus.width_bits), unsigned(a.bus.t_hop_cyc), unsigned(a.gbuf.word_bits),
            unsigned(a.gbuf.t_read_cyc), unsigned(a.gbuf.t_write_cyc), unsigned(a.bus.overlap),
            arch_schedule_name(a.schedule), top.job.T, top.prefix(), top.prog->n_layers,
            arch_arbitration_name(a.arbitration), unsigned(a.max_ahead),
            (unsigned long long)sbuf_capacity_bits(&a.gbuf),
            (unsigned long long)top.job.map->gbuf_peak_bits,
            (unsigned long long)top.prog->held_bits);
    // format 3: the blocks' parameters and each layer's program, for a reference that counts
    // the tiles', periphery's, scale buffer's, dropout modules' and arbiter's cycles itself
    const tile_params_t &tp = a.tile;
    fprintf(
        f,
        "# tile xbar_cols=%u max_active_rows=%u t_decode_cyc=%u t_read_cyc=%u "
        "cols_per_sa=%u psum_bits=%u t_sense_cyc=%u\n# periph lanes=%u t_add_cyc=%u "
        "t_act_cyc=%u t_pool_cyc=%u t_mul_cyc=%u\n# scale_buf word_bits=%u t_read_cyc=%u "
        "t_write_cyc=%u\n# dropout t_set_cyc=%u t_sense_cyc=%u t_reset_cyc=%u\n"
        "# arbiter k=%u t_bit_cyc=%u\n",
        unsigned(tp.xbar.cols), unsigned(tp.xbar.max_active_rows), unsigned(tp.wldec.t_decode_cyc),
        unsigned(tp.xbar.t_read_cyc), unsigned(tp.sa.cols_per_sa), unsigned(tp.sa.psum_bits),
        unsigned(tp.sa.t_sense_cyc), unsigned(a.periph.lanes), unsigned(a.periph.t_add_cyc),
        unsigned(a.periph.t_act_cyc), unsigned(a.periph.t_pool_cyc), unsigned(a.periph.t_mul_cyc),
        unsigned(a.scale_buf.word_bits), unsigned(a.scale_buf.t_read_cyc),
        unsigned(a.scale_buf.t_write_cyc), unsigned(a.drng.t_set_cyc), unsigned(a.drng.t_sense_cyc),
        unsigned(a.drng.t_reset_cyc), unsigned(a.arb.k), unsigned(a.arb.t_bit_cyc));
    for (uint32_t i = 0; i < top.prog->n_layers; i++) {
        const wl_prog_layer_t &p = top.prog->layers[i];
        unsigned ovl = 0; // steps that run beside the next one
        for (unsigned k = 0; k < unsigned(p.n_setup) + p.n_body; k++)
            ovl |= unsigned(p.steps[k].overlap != 0) << k;
        fprintf(f,
                "# layer %u n_setup=%u rows=%u row_items=%u src=%d,%d dep=%u stride=%u k=%u "
                "pad=%u hin=%u overlap=%u share=%u\n",
                i, p.n_setup, p.rows, p.row_items, p.src[0], p.src[1], p.dep, p.dep_stride, p.dep_k,
                p.dep_pad, p.dep_hin, ovl, unsigned(p.drng_share ? p.drng_share : a.drng.share));
        // its steps: each operation as kind:n:arg, an MVM with its slices' distinct shapes
        // (rows x cols; of the first crossbar copy, the others being equal)
        const wl_layer_map_t &m = top.job.map->layers[i];
        for (unsigned k = 0; k < unsigned(p.n_setup) + p.n_body; k++) {
            const wl_step_t &s = p.steps[k];
            fprintf(f, "# step %u %u res=%s ops=", i, k, wl_res_name(s.res));
            for (unsigned j = 0; j < s.n_ops; j++) {
                const wl_op_t &op = p.ops[s.first + j];
                fprintf(f, "%s%s:%llu:%u", j ? "," : "", wl_op_name(op.kind),
                        (unsigned long long)op.n, unsigned(op.arg));
                for (uint32_t q = 0; op.kind == WL_OP_MVM && q < op.count; q++) {
                    const wl_slice_t &sl = m.slices[op.slice + q];
                    uint32_t r = 0;
                    while (r < q && (m.slices[op.slice + r].rows != sl.rows ||
                                     m.slices[op.slice + r].cols != sl.cols))
                        r++;
                    if (r == q)
                        fprintf(f, ":%ux%u", unsigned(sl.rows), unsigned(sl.cols));
                }
            }
            fprintf(f, "\n");
        }
    }
    fprintf(f, "layer,pass,item,step,res,op,bits,dur,req,grant,rel\n");
    return f;
}

} // namespace ns

extern "C" int sim_engine_available(void)
{
    return 1;
}

extern "C" int sim_engine_run(const sim_job_t *job, sim_prog_t *prog, char *err, size_t errn)
{
    // sc_stop() reports "Simulation stopped by user" as an info; neuspin prints its own.
    sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
    ns::Top top(*job);
    int st = ns::elaborate(top, prog, err, errn);
    if (st != ST_OK)
        return st;
    sc_core::sc_trace_file *tf = nullptr;
    if (job->vcd_path && !(tf = ns::open_vcd(job->vcd_path, top))) {
        snprintf(err, errn, "%s: cannot create the waveform file", job->vcd_path);
        return ST_EIO;
    }
    if (job->trace_tx_path && !(top.tx = ns::open_tx(job->trace_tx_path, top))) {
        if (tf)
            sc_core::sc_close_vcd_trace_file(tf);
        snprintf(err, errn, "%s: cannot create the transaction trace", job->trace_tx_path);
        return ST_EIO;
    }
    sc_core::sc_start();
    if (tf)
        sc_core::sc_close_vcd_trace_file(tf);
    if (top.tx && (ferror(top.tx) | fclose(top.tx)) && top.status == ST_OK) {
        snprintf(err, errn, "%s: writing the transaction trace failed", job->trace_tx_path);
        return ST_EIO;
    }
    if (top.status != ST_OK) {
        snprintf(err, errn, "%s", top.error.c_str());
        return top.status;
    }
    if (top.stopped)
        return 1;
    if (job->out && ns::dump_blocks(*job, top) != ST_OK) {
        snprintf(err, errn, "writing the block statistics failed");
        return ST_EIO;
    }
    return ST_OK;
}
