// ns_harness.cpp - the Verilator harness of the RTL timing reference (rtl/*.sv).
//
//   usage: ns_rtl IN.csv OUT.csv
// IN is a per-transaction trace written by `neuspin run --trace-tx` (docs/timing.md,
// "Transaction traces").  Only its operation stream is read: the header (schedule, T, the
// reused prefix, each layer's rows, inputs and dependency geometry, the bus and global
// buffer parameters, the arbitration policy, the run-ahead bound and the global buffer's
// capacity with one pass's and the held prefix's activations) and, per line, which step of which
// layer, pass and item ran, on which resource, how many bits (global path) or model cycles (every
// other block).  The cycle columns are ignored.  From docs/timing.md the harness turns that into
// one instruction stream per layer (schedule gates, pass gates, input waits, steps, row ends;
// ns_pkg.sv), the RTL decides every request, grant and release, and OUT gets the same trace format
// with the RTL's cycles.  Prints the transactions, cycles and wall time.  Exit 0; 1 on bad input
// (`IN:line: error: ...`) or a reference that stops making progress.
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
    uint64_t req = 0, grant = 0, rel = 0;
    bool seen = false; // reported by the RTL
};

struct Layer {
    uint32_t n_setup = 0, rows = 0, row_items = 0, dep = 0, stride = 0, k = 0, pad = 0, hin = 0;
    int32_t src[2] = {-1, -1};
    uint32_t overlap = 0;
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
uint64_t op_step(int res, bool overlap, bool write, uint32_t val)
{
    return (uint64_t(2) << 60) | (uint64_t(res) << 57) | (uint64_t(overlap) << 56) |
           (uint64_t(write) << 55) | val;
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
                      unsigned long long rl)
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
    unsigned width = 0, hop = 0, word = 0, trd = 0, twr = 0, T = 0, prefix = 0, nl = 0;
    unsigned max_ahead = 0;
    unsigned long long gbuf_bits = ~0ull, pass_bits = 0, held_bits = 0;
    char sched[16] = "", policy[16] = "static";
    char buf[512];
    unsigned line = 0;
    bool have_arch = false, have_run = false, have_cols = false;
    std::map<std::tuple<uint32_t, uint32_t, uint32_t, uint32_t>, size_t> key;
    while (fgets(buf, sizeof buf, f)) {
        line++;
        if (!strchr(buf, '\n') && !feof(f))
            fail(line, "line longer than 511 characters");
        if (buf[0] == '#') {
            unsigned li;
            Layer L;
            if (sscanf(buf,
                       "# arch bus_width_bits=%u t_hop_cyc=%u gbuf_word_bits=%u "
                       "gbuf_t_read_cyc=%u gbuf_t_write_cyc=%u",
                       &width, &hop, &word, &trd, &twr) == 5) {
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
                              "stride=%u k=%u pad=%u hin=%u overlap=%u",
                              &li, &L.n_setup, &L.rows, &L.row_items, &L.src[0], &L.src[1], &L.dep,
                              &L.stride, &L.k, &L.pad, &L.hin, &L.overlap) == 12) {
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
        g_tx.push_back(t);
    }
    fclose(f);
    if (!have_arch || !have_run || !have_cols)
        fail(0, "no header (written by neuspin run --trace-tx)");
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
                emit(op_step(r, (L.overlap >> t.step) & 1u, t.op == "write",
                             uint32_t(r == 0 ? t.bits : t.dur)),
                     int64_t(it->second));
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

    // Bound: the work done serially, every step at its longest.
    uint64_t bound = 1000;
    for (const Tx &t : g_tx)
        bound += std::max<uint64_t>(1, t.dur) + hop + t.bits * (1 + std::max(trd, twr));

    const auto t0 = std::chrono::steady_clock::now();
    VerilatedContext ctx;
    Vns_top top(&ctx);
    top.n_layers = nl;
    top.bus_width_bits = width;
    top.t_hop_cyc = hop;
    top.gbuf_word_bits = word;
    top.gbuf_t_read_cyc = trd;
    top.gbuf_t_write_cyc = twr;
    top.arb_age = strcmp(policy, "age") == 0;
    top.max_ahead = max_ahead;
    top.gbuf_bits = gbuf_bits;
    top.pass_bits = pass_bits;
    top.held_bits = held_bits;
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
                t.layer, t.pass, t.item, t.step, t.res.c_str(), t.op.c_str(), t.bits, t.dur, t.req,
                t.grant, t.rel);
    if (ferror(o) | fclose(o)) {
        fprintf(stderr, "%s: error: write failed\n", argv[2]);
        return 1;
    }
    printf("rtl: %zu transactions, %" PRIu64 " cycles, %" PRIu64 " clock edges, %.3f s\n",
           g_tx.size(), uint64_t(top.cyc), edges, secs);
    return 0;
}
