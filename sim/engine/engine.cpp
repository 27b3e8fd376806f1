// sim.cpp - elaboration of the top and the layer engines that stream the T MC passes.
//
// Every layer has an engine (an SC_THREAD, the initiator of its operations) that runs its
// passes in order by interpreting the layer's operation program (workloads/wl_prog.h):
// once per pass its set-up steps, then output row by output row its body steps once per
// item (input vector or pooled row), as docs/timing.md describes.  What a layer does is
// written only in the program; this file knows how to send an operation and wait.  The engines
// share three resources, each behind an Arbiter: the global activation path (global buffer + bus),
// the digital periphery and the scale buffer.  A request made at cycle t is decided half a cycle
// later, at t + 0.5, when every request of cycle t is in, by the policy chip.arbitration (static:
// the lower layer index wins; age: the oldest MC pass, then the lower layer); the granted
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
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "modules.h"

#include "base/status.h"

namespace ns
{

using sc_core::sc_time;

// Port indices on the bus (payload addresses).
enum : unsigned { PORT_GBUF = 0, PORT_SCALE = 1, PORT_PERIPH = 2, PORT_FIRST_DYNAMIC = 3 };

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

// A shared resource: requests of cycle t are decided at t + 0.5 by static priority (the lower
// layer wins) or, with `age`, by the oldest MC pass first and then the lower layer.
class Arbiter : public sc_core::sc_module
{
  public:
    sc_core::sc_signal<bool, sc_core::SC_MANY_WRITERS> busy; // for the waveform (grant and release)

    Arbiter(sc_core::sc_module_name name, unsigned clients, Clocking &clk, bool age)
        : sc_module(name), busy("busy", false), m_clk(clk), m_age(age), m_req(clients, 0),
          m_grant(clients, 0), m_pass(clients, 0), m_ev(clients)
    {
        SC_HAS_PROCESS(Arbiter);
        SC_METHOD(decide);
        if (clk.cycle_mode())
            sensitive << clk.clk()->negedge_event();
        else
            sensitive << m_decide;
        dont_initialize();
    }
    Arbiter(const Arbiter &) = delete;
    Arbiter &operator=(const Arbiter &) = delete;

    // Called by client `who` working on MC pass `pass` at an integer cycle t; returns once
    // granted, at t' + 0.5 for the cycle t' >= t the operation starts in.
    uint64_t acquire(unsigned who, uint32_t pass)
    {
        m_req[who] = 1;
        m_pass[who] = pass;
        m_pending++;
        if (!m_clk.cycle_mode())
            m_decide.notify(cycle_time() * 0.5);
        while (!m_grant[who])
            sc_core::wait(m_ev[who]);
        m_grant[who] = 0;
        return now_cycle(); // floor(t' + 0.5) = t'
    }

    // Called by the holder at the integer cycle its operation ends.
    void release()
    {
        m_busy = false;
        busy.write(false);
        if (m_pending && !m_clk.cycle_mode())
            m_decide.notify(cycle_time() * 0.5);
    }

    uint64_t grants() const { return m_grants; }

  private:
    void decide()
    {
        if (m_busy || !m_pending)
            return;
        const unsigned none = unsigned(m_req.size());
        unsigned w = none; // the winner: the first request in layer order, or an older pass
        for (unsigned i = 0; i < m_req.size(); i++) {
            if (!m_req[i])
                continue;
            if (w == none || (m_age && m_pass[i] < m_pass[w]))
                w = i;
        }
        m_req[w] = 0;
        m_pending--;
        m_busy = true;
        m_grants++;
        busy.write(true);
        m_grant[w] = 1;
        m_ev[w].notify(sc_core::SC_ZERO_TIME);
    }

    Clocking &m_clk;
    const bool m_age;
    std::vector<char> m_req, m_grant;
    std::vector<uint32_t> m_pass; // the requester's MC pass
    std::vector<sc_core::sc_event> m_ev;
    sc_core::sc_event m_decide;
    unsigned m_pending = 0;
    bool m_busy = false;
    uint64_t m_grants = 0;
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
    tlm_utils::simple_initiator_socket<Engine> socket;
    sc_core::sc_signal<bool> tiles_busy, rng_busy; // for the waveform

    Engine(sc_core::sc_module_name name, Top &top, uint32_t layer);
    ~Engine() override { m_gp.clear_extension(&m_op); }
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
    void set_op(Op op, uint64_t n = 0, uint64_t bus_bits = 0)
    {
        m_op.op = op;
        m_op.n = n;
        m_op.bus_bits = bus_bits;
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
    std::unique_ptr<BusModule> bus;
    std::unique_ptr<SbufModule> gbuf, scale;
    std::unique_ptr<PeriphModule> periph;
    std::unique_ptr<Arbiter> arb[WL_RES_SHARED];
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
    : sc_module(name), socket("socket"), tiles_busy("tiles_busy", false),
      rng_busy("rng_busy", false), m_top(top), m_layer(layer), m_prog(top.prog->layers[layer])
{
    SC_HAS_PROCESS(Engine);
    SC_THREAD(run);
    m_gp.set_extension(&m_op);
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

// A shared-resource operation lasts at least one cycle, so it always ends on a cycle
// boundary after its grant (docs/timing.md).
template <class Fn> uint64_t Engine::on(unsigned r, Fn fn)
{
    const uint64_t start = m_top.arb[r]->acquire(m_layer, m_op.pass);
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
        const bool gbuf = res == WL_RES_GBUF; // the global path crosses the bus
        set_op(op.kind == WL_OP_READ ? Op::Read : Op::Write, op.n, gbuf ? op.n : 0);
        m_op.line_bits = op.kind == WL_OP_READ ? op.arg : 0;
        return send(gbuf ? PORT_GBUF : PORT_SCALE);
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
        if (s.res < WL_RES_SHARED) {
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

// 1 when the program sends operations to resource res.
static bool uses(const wl_prog_layer_t &pl, unsigned res)
{
    for (unsigned k = 0; k < unsigned(pl.n_setup) + pl.n_body; k++)
        if (pl.steps[k].res == res)
            return true;
    return false;
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
    top.bus.reset(new BusModule("bus", bus));
    top.gbuf.reset(new SbufModule("gbuf", gbuf));
    top.scale.reset(new SbufModule("scale_buf", scale));
    top.periph.reset(new PeriphModule("periph", periph));
    top.bus->initiator.bind(top.gbuf->socket);   // PORT_GBUF
    top.bus->initiator.bind(top.scale->socket);  // PORT_SCALE
    top.bus->initiator.bind(top.periph->socket); // PORT_PERIPH
    unsigned next_port = PORT_FIRST_DYNAMIC;
    for (unsigned r = 0; r < WL_RES_SHARED; r++)
        top.arb[r].reset(new Arbiter(res_name[r], n, top.clocking, a.arbitration == ARCH_ARB_AGE));

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
        if (uses(pl, WL_RES_ARB)) {
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
        if (!uses(pl, WL_RES_DRNG))
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
                                    bus_stats(top.bus->model())));
    st = st_first(st, trc_out_block(o, "chip.bus.adapter", 0, adapter_stat_descs,
                                    adapter_stat_ndescs, &top.bus->adapter_stats()));
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
    fprintf(
        f,
        "# neuspin trace-tx 2\n# arch bus_width_bits=%u t_hop_cyc=%u gbuf_word_bits=%u "
        "gbuf_t_read_cyc=%u gbuf_t_write_cyc=%u\n# run schedule=%s T=%u prefix=%u layers=%u "
        "arbitration=%s max_ahead=%u gbuf_bits=%llu pass_bits=%llu held_bits=%llu\n",
        unsigned(a.bus.width_bits), unsigned(a.bus.t_hop_cyc), unsigned(a.gbuf.word_bits),
        unsigned(a.gbuf.t_read_cyc), unsigned(a.gbuf.t_write_cyc), arch_schedule_name(a.schedule),
        top.job.T, top.prefix(), top.prog->n_layers, arch_arbitration_name(a.arbitration),
        unsigned(a.max_ahead), (unsigned long long)sbuf_capacity_bits(&a.gbuf),
        (unsigned long long)top.job.map->gbuf_peak_bits, (unsigned long long)top.prog->held_bits);
    for (uint32_t i = 0; i < top.prog->n_layers; i++) {
        const wl_prog_layer_t &p = top.prog->layers[i];
        unsigned ovl = 0; // steps that run beside the next one
        for (unsigned k = 0; k < unsigned(p.n_setup) + p.n_body; k++)
            ovl |= unsigned(p.steps[k].overlap != 0) << k;
        fprintf(f,
                "# layer %u n_setup=%u rows=%u row_items=%u src=%d,%d dep=%u stride=%u k=%u "
                "pad=%u hin=%u overlap=%u\n",
                i, p.n_setup, p.rows, p.row_items, p.src[0], p.src[1], p.dep, p.dep_stride, p.dep_k,
                p.dep_pad, p.dep_hin, ovl);
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
