// platform.cpp - a stranger's SystemC platform built against the INSTALLED neuspin only
// (pkg-config neuspin, or find_package(neuspin)): its own initiators, one loosely timed with
// a quantum keeper (socket 0, the higher priority) and one approximately timed (socket 1),
// program a tile through the bus, run an MVM, read the result, and check every figure
// against the hand-worked values written beside it.  A second bus, under the age policy
// (nstlm::Policy::Age, the arbiter neuspin's own engines use), serves two more LT
// initiators whose requests carry age keys (InfoExt::age).  `platform --bench N` instead
// times N tile reads through the bus and prints the transaction rate.
#include <limits.h> // a project header named limits.h would shadow this one: INT_MAX below

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include <neuspin/ns_tlm.h>

static_assert(INT_MAX == 2147483647, "<limits.h> is the system's");

using namespace sc_core;
using tlm::tlm_generic_payload;

static int failures;
#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            std::fprintf(stderr, "platform.cpp:%d: check failed: %s\n", __LINE__, #cond);          \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

// The platform's address map.
static const uint64_t TILE = 0x40000000, SRAM = 0x50000000, RNG = 0x60000000;

// Hand-worked parameters.  Tile: 64 x 4 crossbar, 32 rows per read step, t_read 3,
// t_decode 2, 2 columns per sense amp (n_sa = 2), 6-bit partial sums, t_sense 1:
//   MVM of 64 x 4: steps = 64 / 32 = 2; sense = ceil(4 / 2) x 6 x 1 = 12;
//   cycles = 2 x (2 + 3 + 12) = 34.
static tile_params_t tile_p()
{
    tile_params_t p{};
    p.xbar.rows = 64;
    p.xbar.cols = 4;
    p.xbar.max_active_rows = 32;
    p.xbar.t_read_cyc = 3;
    p.xbar.t_write_cyc = 10;
    p.wldec.t_decode_cyc = 2;
    p.sa.cols_per_sa = 2;
    p.sa.psum_bits = 6;
    p.sa.t_sense_cyc = 1;
    return p;
}

struct LtInit : sc_module {
    tlm_utils::simple_initiator_socket<LtInit> socket;
    tlm_utils::tlm_quantumkeeper qk;
    uint64_t bench_n = 0;
    double bench_rate = 0;

    SC_HAS_PROCESS(LtInit);
    explicit LtInit(sc_module_name n) : sc_module(n), socket("socket") { SC_THREAD(run); }

    // One LT access through the quantum keeper; returns the response status.
    tlm::tlm_response_status io(tlm::tlm_command cmd, uint64_t a, void *d, unsigned len,
                                unsigned char *be = nullptr, unsigned be_len = 0)
    {
        tlm_generic_payload gp;
        gp.set_command(cmd);
        gp.set_address(a);
        gp.set_data_ptr(static_cast<unsigned char *>(d));
        gp.set_data_length(len);
        gp.set_streaming_width(len);
        gp.set_byte_enable_ptr(be);
        gp.set_byte_enable_length(be_len);
        gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        sc_time delay = qk.get_local_time();
        socket->b_transport(gp, delay);
        qk.set(delay);
        if (qk.need_sync())
            qk.sync();
        return gp.get_response_status();
    }
    // Local time of this initiator, ns (sc_time_stamp + the keeper's offset).
    double now_ns() { return qk.get_current_time() / sc_time(1, SC_NS); }

    void run()
    {
        qk.reset();
        if (bench_n) {
            uint32_t v = 0;
            const auto t0 = std::chrono::steady_clock::now();
            for (uint64_t i = 0; i < bench_n; i++)
                io(tlm::TLM_READ_COMMAND, TILE + nstlm::tile_reg::RESULT, &v, 4);
            const std::chrono::duration<double> s = std::chrono::steady_clock::now() - t0;
            bench_rate = static_cast<double>(bench_n) / s.count();
            return;
        }
        // Weights by debug transport (no time): column-major, 8 bytes per column, bit r of a
        // column = weight of row r.  col 0 all +1, col 1 all -1, col 2 = the input,
        // col 3 = rows 0..7 +1.
        const uint64_t x = 0xFFFFFFFF00000000ull; // input: rows 0..31 -1, rows 32..63 +1
        uint64_t w[4] = {~0ull, 0ull, x, 0xFFull};
        tlm_generic_payload g;
        g.set_command(tlm::TLM_WRITE_COMMAND);
        g.set_address(TILE + nstlm::tile_reg::WEIGHTS);
        g.set_data_ptr(reinterpret_cast<unsigned char *>(w));
        g.set_data_length(32);
        g.set_streaming_width(32);
        CHECK(socket->transport_dbg(g) == 32);
        uint64_t back[4] = {};
        g.set_command(tlm::TLM_READ_COMMAND);
        g.set_data_ptr(reinterpret_cast<unsigned char *>(back));
        CHECK(socket->transport_dbg(g) == 32 && std::memcmp(back, w, 32) == 0);

        // t = 0: write the input (8 bytes), contending with the AT initiator's SRAM read.
        // Socket 0 wins the decision at 0.5: bus 2 + ceil(64 / 32) = 4, input register 0
        // target cycles: hold 4, done at 4.
        uint64_t in = x;
        CHECK(io(tlm::TLM_WRITE_COMMAND, TILE + nstlm::tile_reg::INPUT, &in, 8) ==
              tlm::TLM_OK_RESPONSE);
        CHECK(now_ns() == 4.0);

        // Compute 16 cycles locally (temporal decoupling), then start the MVM at 4 + 16 = 20
        // (the AT read holds the bus [4, 14), so no wait): bus 2 + ceil(32 / 32) = 3,
        // MVM 34: done at 20 + 37 = 57.
        qk.inc(sc_time(16, SC_NS));
        uint32_t one = 1;
        CHECK(io(tlm::TLM_WRITE_COMMAND, TILE + nstlm::tile_reg::START, &one, 4) ==
              tlm::TLM_OK_RESPONSE);
        CHECK(now_ns() == 57.0);

        // Results: per column, per read step (rows 0..31 input -1, rows 32..63 input +1),
        // the cells whose weight equals the input:
        //   col 0 (+1): 0 + 32 = 32     col 1 (-1): 32 + 0 = 32
        //   col 2 (= x): 32 + 32 = 64   col 3 (+1 on rows 0..7): (32 - 8) + 0 = 24
        // Read of 16 bytes at 57: bus 2 + ceil(128 / 32) = 6: done at 63.
        uint32_t res[4] = {};
        CHECK(io(tlm::TLM_READ_COMMAND, TILE + nstlm::tile_reg::RESULT, res, 16) ==
              tlm::TLM_OK_RESPONSE);
        CHECK(res[0] == 32 && res[1] == 32 && res[2] == 64 && res[3] == 24);
        CHECK(now_ns() == 63.0);
        uint64_t cyc = 0;
        CHECK(io(tlm::TLM_READ_COMMAND, TILE + nstlm::tile_reg::LAST_CYCLES, &cyc, 8) ==
              tlm::TLM_OK_RESPONSE);
        CHECK(cyc == 34); // 2 x (2 + 3 + 12)
        uint32_t st = 0;
        CHECK(io(tlm::TLM_READ_COMMAND, TILE + nstlm::tile_reg::STATUS, &st, 4) ==
              tlm::TLM_OK_RESPONSE);
        CHECK(st == nstlm::tile_reg::STATUS_DONE);

        // A weight write by normal transport programs the rows it touches: bytes 0..1 of
        // column 0 = rows 0..15 -> 16 x t_write 10 = 160 cycles, + bus 2 + ceil(16/32) = 3.
        uint16_t half = 0xFFFF;
        const double t_w = now_ns();
        CHECK(io(tlm::TLM_WRITE_COMMAND, TILE + nstlm::tile_reg::WEIGHTS, &half, 2) ==
              tlm::TLM_OK_RESPONSE);
        CHECK(now_ns() - t_w == 163.0);

        // The response statuses of the base protocol.
        uint32_t v = 7;
        CHECK(io(tlm::TLM_WRITE_COMMAND, TILE + nstlm::tile_reg::ROWS, &v, 4) ==
              tlm::TLM_COMMAND_ERROR_RESPONSE); // read-only register
        CHECK(io(tlm::TLM_READ_COMMAND, TILE + nstlm::tile_reg::START, &v, 4) ==
              tlm::TLM_COMMAND_ERROR_RESPONSE); // write-only register
        CHECK(io(tlm::TLM_READ_COMMAND, 0x10, &v, 4) ==
              tlm::TLM_ADDRESS_ERROR_RESPONSE); // nothing mapped there
        CHECK(io(tlm::TLM_READ_COMMAND, TILE + 0x34, &v, 4) ==
              tlm::TLM_ADDRESS_ERROR_RESPONSE); // no register there
        CHECK(io(tlm::TLM_READ_COMMAND, TILE + nstlm::tile_reg::ROWS, &v, 2) ==
              tlm::TLM_BURST_ERROR_RESPONSE); // half a register
        unsigned char be[4] = {0xff, 0, 0xff, 0xff};
        CHECK(io(tlm::TLM_READ_COMMAND, TILE + nstlm::tile_reg::ROWS, &v, 4, be, 4) ==
              tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
        CHECK(io(tlm::TLM_READ_COMMAND, TILE + nstlm::tile_reg::WEIGHTS + 32, &v, 4) ==
              tlm::TLM_ADDRESS_ERROR_RESPONSE); // past the last column
        // A memory honours byte enables: byte 1 of the SRAM word stays as it was (0x22).
        uint32_t patt = 0xAAAAAAAAu;
        CHECK(io(tlm::TLM_WRITE_COMMAND, SRAM, &patt, 4, be, 4) == tlm::TLM_OK_RESPONSE);
        uint32_t got = 0;
        CHECK(io(tlm::TLM_READ_COMMAND, SRAM, &got, 4) == tlm::TLM_OK_RESPONSE);
        CHECK(got == 0xAAAA22AAu);

        // The dropout bank: a draw takes share 4 x (2 + 1 + 2) = 20 cycles + bus 3 = 23 and
        // advances the generator state (VECTOR 0 -> 1).
        const double t_d = now_ns();
        CHECK(io(tlm::TLM_WRITE_COMMAND, RNG + nstlm::rng_reg::DRAW, &one, 4) ==
              tlm::TLM_OK_RESPONSE);
        CHECK(now_ns() - t_d == 23.0);
        CHECK(io(tlm::TLM_READ_COMMAND, RNG + nstlm::rng_reg::VECTOR, &v, 4) ==
                  tlm::TLM_OK_RESPONSE &&
              v == 1);
    }
};

struct AtInit : sc_module {
    tlm_utils::simple_initiator_socket<AtInit> socket;
    sc_event end_req_ev, begin_resp_ev;
    double end_req_ns = -1, begin_resp_ns = -1;
    bool idle = false; // --bench: only the LT initiator works

    SC_HAS_PROCESS(AtInit);
    explicit AtInit(sc_module_name n) : sc_module(n), socket("socket")
    {
        socket.register_nb_transport_bw(this, &AtInit::nb_bw);
        SC_THREAD(run);
    }

    tlm::tlm_sync_enum nb_bw(tlm_generic_payload &, tlm::tlm_phase &ph, sc_time &)
    {
        const double t = sc_time_stamp() / sc_time(1, SC_NS);
        if (ph == tlm::END_REQ) {
            end_req_ns = t;
            end_req_ev.notify();
        } else if (ph == tlm::BEGIN_RESP) {
            begin_resp_ns = t;
            begin_resp_ev.notify();
        }
        return tlm::TLM_ACCEPTED; // END_RESP follows from run()
    }

    // One four-phase read; returns the response status.
    tlm::tlm_response_status read(tlm_generic_payload &gp, uint64_t a, void *d, unsigned len)
    {
        gp.set_command(tlm::TLM_READ_COMMAND);
        gp.set_address(a);
        gp.set_data_ptr(static_cast<unsigned char *>(d));
        gp.set_data_length(len);
        gp.set_streaming_width(len);
        gp.set_byte_enable_ptr(nullptr);
        gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        tlm::tlm_phase ph = tlm::BEGIN_REQ;
        sc_time d0 = SC_ZERO_TIME;
        end_req_ns = begin_resp_ns = -1;
        if (socket->nb_transport_fw(gp, ph, d0) == tlm::TLM_ACCEPTED) {
            wait(begin_resp_ev);
            ph = tlm::END_RESP;
            d0 = SC_ZERO_TIME;
            socket->nb_transport_fw(gp, ph, d0);
        }
        return gp.get_response_status();
    }

    void run()
    {
        if (idle)
            return;
        // SRAM contents by debug transport: bytes 0..15 = 0x11, 0x22, ..., (0x11 x (i + 1)).
        unsigned char init[16];
        for (int i = 0; i < 16; i++)
            init[i] = static_cast<unsigned char>(0x11 * (i + 1));
        tlm_generic_payload g;
        g.set_command(tlm::TLM_WRITE_COMMAND);
        g.set_address(SRAM);
        g.set_data_ptr(init);
        g.set_data_length(16);
        g.set_streaming_width(16);
        CHECK(socket->transport_dbg(g) == 16);

        // t = 0: read 16 bytes, contending with the LT initiator (socket 0, higher priority).
        // It holds the bus [0, 4) (see LtInit); this read is granted at the next decision,
        // 4.5 (END_REQ), and holds [4, 14): bus 2 + ceil(128 / 32) = 6, SRAM
        // ceil(128 / 64) = 2 words x t_read 2 = 4.  BEGIN_RESP at 14 = the first's hold 4 +
        // its own 10.
        tlm_generic_payload gp;
        unsigned char buf[16] = {};
        CHECK(read(gp, SRAM, buf, 16) == tlm::TLM_OK_RESPONSE);
        CHECK(end_req_ns == 4.5);
        CHECK(begin_resp_ns == 14.0);
        CHECK(std::memcmp(buf, init, 16) == 0);

        // DMI through the bus: the SRAM grants it, the bus translates the range back.
        tlm::tlm_dmi dmi;
        gp.set_address(SRAM);
        gp.set_command(tlm::TLM_READ_COMMAND);
        CHECK(socket->get_direct_mem_ptr(gp, dmi));
        CHECK(dmi.get_start_address() == SRAM && dmi.get_end_address() == SRAM + 1024 * 8 - 1);
        CHECK(dmi.get_dmi_ptr()[1] == 0x22 && dmi.get_read_latency() == sc_time(2, SC_NS));

        // t = 1000 (the LT initiator is done by then): the tile's result through AT, granted
        // at 1000.5, hold 6, BEGIN_RESP at 1006.
        wait(sc_time(1000, SC_NS) - sc_time_stamp());
        uint32_t res[4] = {};
        CHECK(read(gp, TILE + nstlm::tile_reg::RESULT, res, 16) == tlm::TLM_OK_RESPONSE);
        CHECK(end_req_ns == 1000.5 && begin_resp_ns == 1006.0);
        CHECK(res[0] == 32 && res[1] == 32 && res[2] == 64 && res[3] == 24);
    }
};

// Two LT initiators on a bus under Policy::Age: each reads 8 bytes of the SRAM at t = 0, 100
// and 200 with the age keys it is given (-1: no InfoExt, which ranks as age 0) and records
// when each read ended and the cycles it waited for its grant.
struct AgeInit : sc_module {
    tlm_utils::simple_initiator_socket<AgeInit> socket;
    long long age[3] = {0, 0, 0};
    double done_ns[3] = {-1, -1, -1};
    uint64_t waited[3] = {9, 9, 9};

    SC_HAS_PROCESS(AgeInit);
    explicit AgeInit(sc_module_name n) : sc_module(n), socket("socket") { SC_THREAD(run); }

    void run()
    {
        for (int i = 0; i < 3; i++) {
            wait(sc_time(100.0 * i, SC_NS) - sc_time_stamp());
            uint64_t v = 0;
            tlm_generic_payload gp;
            nstlm::InfoExt ix;
            ix.age = age[i] < 0 ? 0 : static_cast<uint64_t>(age[i]);
            if (age[i] >= 0)
                gp.set_extension(&ix);
            gp.set_command(tlm::TLM_READ_COMMAND);
            gp.set_address(SRAM);
            gp.set_data_ptr(reinterpret_cast<unsigned char *>(&v));
            gp.set_data_length(8);
            gp.set_streaming_width(8);
            gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
            sc_time d = SC_ZERO_TIME;
            socket->b_transport(gp, d);
            CHECK(gp.is_response_ok());
            done_ns[i] = (sc_time_stamp() + d) / sc_time(1, SC_NS);
            waited[i] = age[i] >= 0 ? ix.wait_cycles : 99;
            if (age[i] >= 0)
                gp.clear_extension(&ix);
        }
    }
};

int sc_main(int argc, char **argv)
{
    uint64_t bench = 0;
    if (argc == 3 && std::strcmp(argv[1], "--bench") == 0)
        bench = std::strtoull(argv[2], nullptr, 10);

    tlm_utils::tlm_quantumkeeper::set_global_quantum(sc_time(100, SC_NS));
    LtInit lt("lt");
    lt.bench_n = bench;
    AtInit at("at");
    at.idle = bench != 0;
    bus_params_t bp{};
    bp.width_bits = 32;
    bp.t_hop_cyc = 2;
    nstlm::Bus bus("bus", bp);
    nstlm::TileTarget tile("tile", tile_p());
    sbuf_params_t sp{};
    sp.words = 1024;
    sp.word_bits = 64;
    sp.t_read_cyc = 2;
    sp.t_write_cyc = 2;
    nstlm::SramTarget sram("sram", sp);
    drng_params_t dp{};
    dp.share = 4;
    dp.t_set_cyc = 2;
    dp.t_sense_cyc = 1;
    dp.t_reset_cyc = 2;
    dp.clk_ns = 1.0;
    dp.tau0_ns = 1.0;
    dp.delta = 40.0;
    dp.ic0_ua = 100.0;
    dp.i_max_ua = 200.0;
    nstlm::RngTarget rng("rng", dp, 42, 64, 0.3);

    lt.socket.bind(bus.target); // socket 0: the higher priority
    if (!bench)
        at.socket.bind(bus.target); // socket 1
    bus.initiator.bind(tile.socket);
    bus.initiator.bind(sram.socket);
    bus.initiator.bind(rng.socket);
    bus.map(0, TILE, tile.size());
    bus.map(1, SRAM, sram.size());
    bus.map(2, RNG, rng.size());
    if (bench) {
        // The AT initiator's socket must be bound; give it a target of its own.
        nstlm::SramTarget spare("spare", sp);
        at.socket.bind(spare.socket);
        sc_start();
        std::printf("bus transactions: %llu, rate: %.0f transactions/s\n",
                    static_cast<unsigned long long>(bus.transactions()), lt.bench_rate);
        return 0;
    }
    // The age policy.  An 8-byte SRAM read holds the bus 6 cycles: bus 2 + ceil(64 / 32) = 4,
    // SRAM ceil(64 / 64) = 1 word x t_read 2 = 2.
    //   t = 0:   ages 5 (socket 0) and 2 (socket 1): the older, socket 1, wins at 0.5 and
    //            holds [0, 6); socket 0 is granted at 6.5, holds [6, 12), waited 6.  (Under
    //            static priority socket 0 would end at 6 and socket 1 at 12.)
    //   t = 100: equal ages 3 and 3: the lower socket, 0, wins: ends 106; socket 1 112.
    //   t = 200: age 1 (socket 0) against no extension (socket 1, age 0): socket 1 ends
    //            206, socket 0 212, waited 6.
    nstlm::Bus abus("abus", bp, sc_time(1, SC_NS), nstlm::Policy::Age);
    nstlm::SramTarget asram("asram", sp);
    AgeInit a0("a0"), a1("a1");
    a0.age[0] = 5, a0.age[1] = 3, a0.age[2] = 1;
    a1.age[0] = 2, a1.age[1] = 3, a1.age[2] = -1;
    a0.socket.bind(abus.target); // socket 0
    a1.socket.bind(abus.target); // socket 1
    abus.initiator.bind(asram.socket);
    abus.map(0, SRAM, asram.size());

    sc_start();
    CHECK(bus.transactions() == 17); // LT 17 - 2 the bus cannot decode, AT 2
    CHECK(abus.arbiter().policy() == nstlm::Policy::Age && abus.arbiter().grants() == 6);
    CHECK(a1.done_ns[0] == 6.0 && a1.waited[0] == 0);
    CHECK(a0.done_ns[0] == 12.0 && a0.waited[0] == 6);
    CHECK(a0.done_ns[1] == 106.0 && a0.waited[1] == 0);
    CHECK(a1.done_ns[1] == 112.0 && a1.waited[1] == 6);
    CHECK(a1.done_ns[2] == 206.0);
    CHECK(a0.done_ns[2] == 212.0 && a0.waited[2] == 6);
    CHECK(abus.wait_cycles() == 18); // 6 + 6 + 6
    if (failures) {
        std::fprintf(stderr, "platform: %d check(s) failed\n", failures);
        return 1;
    }
    std::printf("platform: all checks passed\n");
    return 0;
}
