// ns_harness.cpp - the Verilator harness of the RTL timing reference (rtl/*.sv).
//
//   usage: ns_rtl IN.csv OUT.csv
// IN is a per-transaction trace written by `neuspin run --trace-tx` (docs/timing.md,
// "Transaction traces"; format 3).  Only its operation stream is read: the header (schedule,
// T, the reused prefix, each layer's rows, inputs, dependency geometry, dropout sharing and
// program: every step's operations with their sizes and an MVM's slice shapes; the bus,
// global buffer, tile, periphery, scale buffer, dropout and arbiter parameters; the
// arbitration policy, the run-ahead bound and the global buffer's capacity with one pass's and
// the held prefix's activations) and, per line, which step of which layer, pass and item ran.
// The cycle columns and `dur` are ignored, except that an arbiter pick's `dur` gives its
// number of tries (random: rejection sampling), dur / (b x t_bit).  From docs/timing.md the
// harness turns that into one instruction stream per layer (schedule gates, pass gates, input
// waits, steps with their operands, row ends; ns_pkg.sv), the RTL counts every step's cycles
// and decides every request, grant and release, and OUT gets the same trace format with the
// RTL's cycles (`dur`: the cycles the RTL's block counted).  Prints the transactions, cycles
// and wall time.  Exit 0; 1 on bad input (`IN:line: error: ...`) or a reference that stops
// making progress.
#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "Vns_top.h"
#include "Vns_top__Dpi.h"
#include "verilated.h"

namespace
{

const int MAX_LAYERS = 32;             // ns_pkg::NL
const uint64_t MAX_TX = 50u * 1000000; // lines read at most

struct Tx {
    uint32_t layer, pass, item, step;
    std::string res, op;
    uint64_t bits, dur;
    uint64_t req = 0, grant = 0, rel = 0, rtl_dur = 0;
    bool seen = false; // reported by the RTL
    unsigned line = 0;
};

// One operation of a step, from the header's `# step` line.
struct OpDef {
    int kind = -1;                                     // ns_pkg.sv's K_*
    uint64_t n = 0;                                    // bits or elements
    uint64_t arg = 0;                                  // partial sums, window, ...
    std::vector<std::pair<uint32_t, uint32_t>> shapes; // MVM: rows x cols of its slices
};
struct StepDef {
    int res = -1;
    std::string ops; // kinds joined by '+', as the stream names them
    std::vector<OpDef> op;
};

struct Layer {
    uint32_t n_setup = 0, rows = 0, row_items = 0, dep = 0, stride = 0, k = 0, pad = 0, hin = 0;
    int32_t src[2] = {-1, -1};
    uint32_t overlap = 0, share = 0;
    StepDef step[12];
    std::vector<uint64_t> code; // instruction stream
    std::vector<int64_t> tx_of; // per instruction: its transaction, or -1
};

const char *g_in;
std::vector<Tx> g_tx;
std::vector<Layer> g_layers;
uint64_t g_reported = 0;
bool g_bad_tag = false;

[[noreturn]] void fail(unsigned line, const char *msg)
{
    if (line)
        fprintf(stderr, "%s:%u: error: %s\n", g_in, line, msg);
    else
        fprintf(stderr, "%s: error: %s\n", g_in, msg);
    exit(1);
}

const char *const OP_NAMES[] = {"read",   "write",  "mvm",   "draw", "expand",
                                "select", "reduce", "scale", "norm", "activate",
                                "sample", "pool",   "add"};

int kind_index(const std::string &k)
{
    for (int i = 0; i < 13; i++)
        if (k == OP_NAMES[i])
            return i;
    return -1;
}

int res_index(const std::string &r)
{
    static const char *const names[] = {"gbuf", "periph", "scale_buf", "tiles", "drng", "arb"};
    for (int i = 0; i < 6; i++)
        if (r == names[i])
            return i;
    return -1;
}

uint64_t op_wait(uint32_t layer, uint32_t pass, uint32_t rows)
{
    return (uint64_t(1) << 60) | (uint64_t(layer) << 54) | (uint64_t(pass & 0x3fffffu) << 32) |
           rows;
}
uint64_t op_step(int res, bool overlap, bool write, unsigned nargs, uint32_t val)
{
    return (uint64_t(2) << 60) | (uint64_t(res) << 57) | (uint64_t(overlap) << 56) |
           (uint64_t(write) << 55) | (uint64_t(nargs) << 52) | val;
}
uint64_t op_arg(int kind, uint32_t arg, uint32_t n)
{
    return (uint64_t(6) << 60) | (uint64_t(kind) << 56) | (uint64_t(arg & 0xffffffu) << 32) | n;
}

// Parses `# step L K res=R ops=kind:n:arg[:RxC...],...` into *d; false when malformed.
bool parse_step(const char *buf, unsigned *li, unsigned *k, StepDef *d)
{
    char res[16], ops[4096];
    if (sscanf(buf, "# step %u %u res=%15s ops=%4095s", li, k, res, ops) != 4)
        return false;
    d->res = res_index(res);
    if (d->res < 0)
        return false;
    for (char *o = strtok(ops, ","); o; o = strtok(nullptr, ",")) {
        OpDef op;
        char kind[16];
        unsigned long long n, arg;
        int used = 0;
        if (sscanf(o, "%15[a-z]:%llu:%llu%n", kind, &n, &arg, &used) != 3)
            return false;
        op.kind = kind_index(kind);
        op.n = n;
        op.arg = arg;
        if (op.kind < 0)
            return false;
        for (const char *q = o + used; *q;) {
            unsigned r, c;
            int m = 0;
            if (sscanf(q, ":%ux%u%n", &r, &c, &m) != 2 || m == 0)
                return false;
            op.shapes.emplace_back(r, c);
            q += m;
        }
        d->ops += (d->ops.empty() ? "" : "+") + std::string(kind);
        d->op.push_back(op);
    }
    return !d->op.empty();
}
const uint64_t OP_END = 0, OP_ROWDONE = uint64_t(3) << 60, OP_SKIP = uint64_t(4) << 60,
               OP_PASS = uint64_t(5) << 60;

// Input rows output row `row` needs (docs/timing.md, "Dependencies"): rows up to
// row x stride + k - 1 - pad of a conv or pool, the same row of an add, all of an fc.
uint32_t rows_needed(const Layer &l, uint32_t row, uint32_t src_rows)
{
    if (l.dep == 0)
        return src_rows;
    if (l.dep == 1)
        return row + 1;
    const int64_t last = int64_t(row) * l.stride + l.k - 1 - l.pad; // index of the last row
    const int64_t need = last + 1;
    return uint32_t(std::max<int64_t>(0, std::min<int64_t>(need, l.hin)));
}

} // namespace

extern "C" unsigned long long ns_fetch(int layer, int pc)
{
    if (layer < 0 || size_t(layer) >= g_layers.size()) // a controller the network leaves idle
        return OP_END;
    const Layer &l = g_layers[size_t(layer)];
    return size_t(pc) < l.code.size() ? l.code[size_t(pc)] : OP_END;
}

extern "C" void ns_tx(int layer, int pc, unsigned long long rq, unsigned long long gr,
                      unsigned long long rl, unsigned long long dur)
{
    if (layer < 0 || size_t(layer) >= g_layers.size()) {
        g_bad_tag = true;
        return;
    }
    const Layer &l = g_layers[size_t(layer)];
    if (size_t(pc) >= l.tx_of.size() || l.tx_of[size_t(pc)] < 0) {
        g_bad_tag = true;
        return;
    }
    Tx &t = g_tx[size_t(l.tx_of[size_t(pc)])];
    t.req = rq;
    t.grant = gr;
    t.rel = rl;
    t.rtl_dur = dur;
    t.seen = true;
    g_reported++;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: ns_rtl IN.csv OUT.csv\n");
        return 2;
    }
    g_in = argv[1];
    FILE *f = fopen(g_in, "r");
    if (!f)
        fail(0, "cannot open");
    unsigned width = 0, hop = 0, word = 0, trd = 0, twr = 0, overlap = 0, T = 0, prefix = 0, nl = 0;
    unsigned max_ahead = 0, version = 0;
    // tile, periphery, scale buffer, dropout and arbiter parameters (format 3)
    unsigned xcols = 0, mact = 0, tdec = 0, tread = 0, cps = 0, psum = 0, tsense = 0;
    unsigned lanes = 0, tadd = 0, tact = 0, tpool = 0, tmul = 0, sword = 0, srd = 0, swr = 0;
    unsigned tset = 0, tdsense = 0, treset = 0, arb_k = 0, tbit = 0;
    bool have_tile = false, have_periph = false, have_sbuf = false, have_drng = false,
         have_arb = false;
    unsigned long long gbuf_bits = ~0ull, pass_bits = 0, held_bits = 0;
    char sched[16] = "", policy[16] = "static";
    static char buf[8192];
    unsigned line = 0;
    bool have_arch = false, have_run = false, have_cols = false;
    std::map<std::tuple<uint32_t, uint32_t, uint32_t, uint32_t>, size_t> key;
    while (fgets(buf, sizeof buf, f)) {
        line++;
        if (!strchr(buf, '\n') && !feof(f))
            fail(line, "line longer than 8191 characters");
        if (buf[0] == '#') {
            unsigned li, k;
            Layer L;
            StepDef sd;
            if (sscanf(buf, "# neuspin trace-tx %u", &version) == 1) {
                if (version != 3)
                    fail(line, "expected trace-tx format 3 (the blocks' parameters and programs)");
            } else if (sscanf(buf,
                              "# tile xbar_cols=%u max_active_rows=%u t_decode_cyc=%u "
                              "t_read_cyc=%u cols_per_sa=%u psum_bits=%u t_sense_cyc=%u",
                              &xcols, &mact, &tdec, &tread, &cps, &psum, &tsense) == 7) {
                have_tile = xcols > 0 && mact > 0 && cps > 0;
                if (!have_tile)
                    fail(line, "tile: xbar_cols, max_active_rows and cols_per_sa must be >= 1");
            } else if (sscanf(buf,
                              "# periph lanes=%u t_add_cyc=%u t_act_cyc=%u t_pool_cyc=%u "
                              "t_mul_cyc=%u",
                              &lanes, &tadd, &tact, &tpool, &tmul) == 5) {
                have_periph = lanes > 0;
                if (!have_periph)
                    fail(line, "periph: lanes must be >= 1");
            } else if (sscanf(buf, "# scale_buf word_bits=%u t_read_cyc=%u t_write_cyc=%u", &sword,
                              &srd, &swr) == 3) {
                have_sbuf = sword > 0;
                if (!have_sbuf)
                    fail(line, "scale_buf: word_bits must be >= 1");
            } else if (sscanf(buf, "# dropout t_set_cyc=%u t_sense_cyc=%u t_reset_cyc=%u", &tset,
                              &tdsense, &treset) == 3) {
                have_drng = true;
            } else if (sscanf(buf, "# arbiter k=%u t_bit_cyc=%u", &arb_k, &tbit) == 2) {
                have_arb = true;
            } else if (strncmp(buf, "# step ", 7) == 0) {
                if (!parse_step(buf, &li, &k, &sd) || !have_run || li >= nl || k >= 12)
                    fail(line, "step: expected '# step L K res=R ops=kind:n:arg,...' after "
                               "the run line");
                g_layers[li].step[k] = sd;
            } else if (sscanf(buf,
                              "# arch bus_width_bits=%u t_hop_cyc=%u gbuf_word_bits=%u "
                              "gbuf_t_read_cyc=%u gbuf_t_write_cyc=%u bus_overlap=%u",
                              &width, &hop, &word, &trd, &twr, &overlap) == 6) {
                have_arch = width > 0 && word > 0;
            } else if (int n = sscanf(buf,
                                      "# run schedule=%15s T=%u prefix=%u layers=%u "
                                      "arbitration=%15s max_ahead=%u gbuf_bits=%llu "
                                      "pass_bits=%llu held_bits=%llu",
                                      sched, &T, &prefix, &nl, policy, &max_ahead, &gbuf_bits,
                                      &pass_bits, &held_bits);
                       n == 4 || n == 9) { // trace-tx 1 had the first four only
                if (nl == 0 || nl > unsigned(MAX_LAYERS) || T == 0 || T > 100000 || prefix > nl)
                    fail(line, "run: expected 1..32 layers, T in 1..100000, prefix <= layers");
                if ((strcmp(sched, "layer") != 0 && strcmp(sched, "pipeline") != 0) ||
                    (strcmp(policy, "static") != 0 && strcmp(policy, "age") != 0))
                    fail(line, "run: schedule layer or pipeline, arbitration static or age");
                if (pass_bits > 1ull << 40 || held_bits > 1ull << 40 ||
                    held_bits + pass_bits > gbuf_bits)
                    fail(line, "run: one pass and the held prefix must fit in gbuf_bits (< 2^40)");
                have_run = true;
                g_layers.resize(nl);
            } else if (sscanf(buf,
                              "# layer %u n_setup=%u rows=%u row_items=%u src=%d,%d dep=%u "
                              "stride=%u k=%u pad=%u hin=%u overlap=%u share=%u",
                              &li, &L.n_setup, &L.rows, &L.row_items, &L.src[0], &L.src[1], &L.dep,
                              &L.stride, &L.k, &L.pad, &L.hin, &L.overlap, &L.share) == 13) {
                if (!have_run || li >= nl || L.rows == 0 || L.row_items == 0 || L.dep > 2 ||
                    L.src[0] >= int(li) || L.src[1] >= int(li) || L.rows > 1u << 20 ||
                    L.row_items > 1u << 20)
                    fail(line, "layer: bad geometry, or before the run line");
                g_layers[li] = L;
            }
            continue;
        }
        if (!have_cols) {
            if (strncmp(buf, "layer,pass,item,step,res,op,bits,dur,req,grant,rel", 50) != 0)
                fail(line, "expected the column line 'layer,pass,item,step,res,...'");
            have_cols = true;
            continue;
        }
        Tx t;
        char res[16], op[96];
        unsigned long long bits, dur, a, b, c;
        if (sscanf(buf, "%u,%u,%u,%u,%15[^,],%95[^,],%llu,%llu,%llu,%llu,%llu", &t.layer, &t.pass,
                   &t.item, &t.step, res, op, &bits, &dur, &a, &b, &c) != 11)
            fail(line, "expected 11 comma-separated fields");
        t.res = res;
        t.op = op;
        t.bits = bits;
        t.dur = dur;
        if (!have_arch || !have_run || t.layer >= nl || t.pass >= T || res_index(t.res) < 0 ||
            t.step >= 12 || bits > UINT32_MAX || dur > UINT32_MAX)
            fail(line, "transaction outside the header's layers, passes or resources");
        const Layer &L = g_layers[t.layer];
        if (uint64_t(t.item) >= uint64_t(L.rows) * L.row_items)
            fail(line, "item beyond the layer's rows x row_items");
        if (res_index(t.res) == 0 && t.op != "read" && t.op != "write")
            fail(line, "a global-path step must be one read or one write");
        if (g_tx.size() >= MAX_TX)
            fail(line, "more than 50 million transactions");
        if (!key.emplace(std::make_tuple(t.layer, t.pass, t.item, t.step), g_tx.size()).second)
            fail(line, "the same step of the same layer, pass and item twice");
        t.line = line;
        g_tx.push_back(t);
    }
    fclose(f);
    if (!have_arch || !have_run || !have_cols)
        fail(0, "no header (written by neuspin run --trace-tx)");
    if (version != 3 || !have_tile || !have_periph || !have_sbuf || !have_drng || !have_arb)
        fail(0, "not trace-tx format 3 (no version, tile, periph, scale_buf, dropout or "
                "arbiter line)");
    // the arbiter's bits per try: the bit length of k - 1 (docs/timing.md, "Arbiter pick")
    unsigned arb_b = 0;
    while (arb_k > 1 && ((arb_k - 1) >> arb_b) != 0)
        arb_b++;
    const bool layerwise = strcmp(sched, "layer") == 0;

    // The streams: what each layer does, in order (docs/timing.md, "Two schedules").
    for (uint32_t l = 0; l < nl; l++) {
        Layer &L = g_layers[l];
        auto emit = [&](uint64_t ins, int64_t tx) {
            L.code.push_back(ins);
            L.tx_of.push_back(tx);
        };
        auto steps = [&](uint32_t pass, uint32_t item, uint32_t lo, uint32_t hi) {
            for (auto it = key.lower_bound(std::make_tuple(l, pass, item, lo));
                 it != key.end() && it->first < std::make_tuple(l, pass, item, hi); ++it) {
                const Tx &t = g_tx[it->second];
                const int r = res_index(t.res);
                const StepDef &sd = L.step[t.step];
                if (sd.res != r || sd.ops != t.op)
                    fail(t.line, "step differs from the header's program (resource or operations)");
                uint64_t bits = 0;
                std::vector<uint64_t> args; // the operand words (ns_pkg.sv)
                for (const OpDef &o : sd.op) {
                    if (o.kind <= 1)
                        bits += o.n;
                    if (r == 0)
                        continue; // the global path takes the bits of the STEP word
                    if (o.n > UINT32_MAX || o.arg > 0xffffff)
                        fail(t.line, "operation size beyond 2^32 (n) or 2^24 (arg)");
                    if (o.kind == 2) { // MVM: one word per slice shape
                        if (sd.op.size() != 1 || o.shapes.empty() || o.shapes.size() > 4)
                            fail(t.line, "a tile step must be one MVM over 1..4 slice shapes");
                        for (auto [rows, cols] : o.shapes)
                            args.push_back(op_arg(2, rows, cols));
                    } else if (o.kind == 3) { // DRAW: every module serves `share` pairs
                        args.push_back(op_arg(3, 0, L.share));
                    } else if (o.kind == 5) { // SELECT: the tries this pick took (random)
                        const uint64_t per = uint64_t(arb_b) * tbit;
                        if (sd.op.size() != 1 || per == 0 || t.dur % per != 0 || t.dur == 0 ||
                            t.dur / per > UINT32_MAX)
                            fail(t.line,
                                 "an arbiter pick must take whole tries of b x t_bit cycles");
                        args.push_back(op_arg(5, 0, uint32_t(t.dur / per)));
                    } else
                        args.push_back(op_arg(o.kind, uint32_t(o.arg), uint32_t(o.n)));
                }
                if (bits != t.bits)
                    fail(t.line, "bits differ from the header's program");
                if (args.size() > 4)
                    fail(t.line, "more than 4 operations in one step");
                emit(op_step(r, (L.overlap >> t.step) & 1u, t.op == "write", unsigned(args.size()),
                             uint32_t(r == 0 ? t.bits : 0)),
                     int64_t(it->second));
                for (uint64_t a : args)
                    emit(a, -1);
            }
        };
        for (uint32_t pass = 0; pass < T; pass++) {
            if (layerwise) {
                if (l > 0)
                    emit(op_wait(l - 1, pass + 1, 0), -1);
                else if (pass > 0)
                    emit(op_wait(nl - 1, pass, 0), -1);
            } else {
                emit(OP_PASS, -1); // the run-ahead and buffer gate (the RTL decides)
            }
            if (l < prefix && pass > 0) {
                emit(OP_SKIP, -1);
                continue;
            }
            steps(pass, 0, 0, L.n_setup);
            for (uint32_t row = 0; row < L.rows; row++) {
                for (int32_t s : L.src) {
                    if (s < 0)
                        continue;
                    const uint32_t p = uint32_t(s) < prefix && pass > 0 ? 0 : pass;
                    emit(op_wait(uint32_t(s), p, rows_needed(L, row, g_layers[size_t(s)].rows)),
                         -1);
                }
                for (uint32_t r = 0; r < L.row_items; r++)
                    steps(pass, row * L.row_items + r, L.n_setup, 12);
                emit(OP_ROWDONE | L.rows, -1);
            }
        }
        emit(OP_END, -1);
    }

    // Bound: the work done serially, every step at its longest, with room for a model
    // that undercounts (the RTL counts for itself): eight times the stream's durations.
    uint64_t bound = 1000;
    for (const Tx &t : g_tx)
        bound += 8 * std::max<uint64_t>(1, t.dur) + hop + t.bits * (1 + std::max(trd, twr));

    const auto t0 = std::chrono::steady_clock::now();
    VerilatedContext ctx;
    Vns_top top(&ctx);
    top.n_layers = nl;
    top.bus_width_bits = width;
    top.t_hop_cyc = hop;
    top.bus_overlap = overlap != 0;
    top.gbuf_word_bits = word;
    top.gbuf_t_read_cyc = trd;
    top.gbuf_t_write_cyc = twr;
    top.arb_age = strcmp(policy, "age") == 0;
    top.max_ahead = max_ahead;
    top.gbuf_bits = gbuf_bits;
    top.pass_bits = pass_bits;
    top.held_bits = held_bits;
    top.xbar_cols = xcols;
    top.max_active_rows = mact;
    top.cols_per_sa = cps;
    top.psum_bits = psum;
    top.t_decode_cyc = tdec;
    top.t_read_cyc = tread;
    top.t_sense_cyc = tsense;
    top.lanes = lanes;
    top.t_add_cyc = tadd;
    top.t_act_cyc = tact;
    top.t_pool_cyc = tpool;
    top.t_mul_cyc = tmul;
    top.sbuf_word_bits = sword;
    top.sbuf_t_read_cyc = srd;
    top.sbuf_t_write_cyc = swr;
    top.t_set_cyc = tset;
    top.t_dsense_cyc = tdsense;
    top.t_reset_cyc = treset;
    top.arb_k = arb_k;
    top.t_bit_cyc = tbit;
    top.rst = 1;
    for (int i = 0; i < 2; i++) {
        top.clk = 0;
        top.eval();
        top.clk = 1;
        top.eval();
    }
    top.rst = 0;
    uint64_t edges = 0;
    while (!top.finished) {
        top.clk = 0;
        top.eval();
        top.clk = 1;
        top.eval();
        edges++;
        if (top.cyc > bound || g_bad_tag) {
            fprintf(stderr, "%s: error: the RTL reference %s at cycle %" PRIu64 "\n", g_in,
                    g_bad_tag ? "reported a step it was not given" : "stopped making progress",
                    uint64_t(top.cyc));
            return 1;
        }
    }
    top.final();
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (g_reported != g_tx.size()) {
        fprintf(stderr, "%s: error: the RTL ran %" PRIu64 " of %zu transactions\n", g_in,
                g_reported, g_tx.size());
        return 1;
    }
    FILE *o = fopen(argv[2], "w");
    if (!o) {
        fprintf(stderr, "%s: error: cannot create\n", argv[2]);
        return 1;
    }
    fprintf(o, "layer,pass,item,step,res,op,bits,dur,req,grant,rel\n");
    for (const Tx &t : g_tx)
        fprintf(o,
                "%u,%u,%u,%u,%s,%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 "\n",
                t.layer, t.pass, t.item, t.step, t.res.c_str(), t.op.c_str(), t.bits, t.rtl_dur,
                t.req, t.grant, t.rel);
    if (ferror(o) | fclose(o)) {
        fprintf(stderr, "%s: error: write failed\n", argv[2]);
        return 1;
    }
    printf("rtl: %zu transactions, %" PRIu64 " cycles, %" PRIu64 " clock edges, %.3f s\n",
           g_tx.size(), uint64_t(top.cyc), edges, secs);
    return 0;
}
