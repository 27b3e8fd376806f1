// kernel_limit.cpp - the SystemC kernel's own speed limit for neuspin's traffic: an
// initiator thread that sends N loosely-timed TLM-2.0 b_transport calls through a
// pass-through router to a target that annotates a delay, and waits for the accumulated
// delay every `per_wait` calls (neuspin's engines wait once per operation group).  No
// model work at all, so its rate bounds what any TLM simulator of this shape can reach.
//   usage: neuspin_kernel_limit N [per_wait]   -> prints "transactions N seconds S rate R"
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

struct Target : sc_core::sc_module {
    tlm_utils::simple_target_socket<Target> socket;
    explicit Target(sc_core::sc_module_name n) : sc_module(n), socket("socket")
    {
        socket.register_b_transport(this, &Target::b_transport);
    }
    void b_transport(tlm::tlm_generic_payload &gp, sc_core::sc_time &d)
    {
        d += sc_core::sc_time(1, sc_core::SC_NS);
        gp.set_response_status(tlm::TLM_OK_RESPONSE);
    }
};

struct Router : sc_core::sc_module {
    tlm_utils::multi_passthrough_target_socket<Router> target;
    tlm_utils::multi_passthrough_initiator_socket<Router> initiator;
    explicit Router(sc_core::sc_module_name n)
        : sc_module(n), target("target"), initiator("initiator")
    {
        target.register_b_transport(this, &Router::b_transport);
    }
    void b_transport(int, tlm::tlm_generic_payload &gp, sc_core::sc_time &d)
    {
        initiator[static_cast<unsigned>(gp.get_address())]->b_transport(gp, d);
    }
};

struct Initiator : sc_core::sc_module {
    tlm_utils::simple_initiator_socket<Initiator> socket;
    uint64_t n, per_wait;
    Initiator(sc_core::sc_module_name name, uint64_t n_, uint64_t per_wait_)
        : sc_module(name), socket("socket"), n(n_), per_wait(per_wait_)
    {
        SC_HAS_PROCESS(Initiator);
        SC_THREAD(run);
    }
    void run()
    {
        tlm::tlm_generic_payload gp;
        sc_core::sc_time d = sc_core::SC_ZERO_TIME;
        for (uint64_t i = 0; i < n; i++) {
            gp.set_address(i % 4);
            socket->b_transport(gp, d);
            if ((i + 1) % per_wait == 0) {
                wait(d);
                d = sc_core::SC_ZERO_TIME;
            }
        }
    }
};

int sc_main(int argc, char **argv)
{
    const uint64_t n = argc > 1 ? strtoull(argv[1], nullptr, 10) : 10000000;
    const uint64_t per_wait = argc > 2 ? strtoull(argv[2], nullptr, 10) : 4;
    Initiator ini("ini", n, per_wait ? per_wait : 1);
    Router r("router");
    Target t0("t0"), t1("t1"), t2("t2"), t3("t3");
    ini.socket.bind(r.target);
    r.initiator.bind(t0.socket);
    r.initiator.bind(t1.socket);
    r.initiator.bind(t2.socket);
    r.initiator.bind(t3.socket);
    const auto t_start = std::chrono::steady_clock::now();
    sc_core::sc_start();
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
    printf("transactions %llu seconds %.6f rate %.4g\n", (unsigned long long)n, s, double(n) / s);
    return 0;
}

int main(int argc, char **argv)
{
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
    return sc_core::sc_elab_and_sim(argc, argv);
}
