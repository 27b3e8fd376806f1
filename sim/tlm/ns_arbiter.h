// ns_arbiter.h - the arbitration of a shared resource (docs/timing.md), the one
// implementation that nstlm::Bus (LT and AT) and neuspin's own layer engines (global path,
// digital periphery, scale buffer) use.  Installed as <neuspin/ns_arbiter.h>.
//
// A client asks for the resource at an integer cycle t with acquire(); the requests of
// cycle t are decided together at t + 0.5, when every one of them is in.  The free resource
// goes to one waiting request, chosen by the policy:
//   Policy::Static  the lowest client index;
//   Policy::Age     the lowest age key (the oldest: neuspin's engines pass their MC pass),
//                   then the lowest client index.
// A client with several requests outstanding is ranked by the oldest of them.  The winner
// holds the resource until it calls release() at the integer cycle its work ends; the next
// decision falls half a cycle after the release.  There is no
// pre-emption.  Two ways to decide:
//   event   (decide_on == nullptr) decisions are scheduled by requests and releases only,
//           so idle cycles cost nothing;
//   clocked (decide_on: e.g. a clock's falling edge) the arbiter decides on every such edge
//           and requests and releases schedule nothing; with a clock whose falling edge is
//           at t + 0.5 both ways grant the same requests at the same times.
#ifndef NS_ARBITER_H
#define NS_ARBITER_H

#include <cstdint>
#include <vector>

#include <systemc>

namespace nstlm
{

enum class Policy : uint8_t { Static, Age };

class Arbiter : public sc_core::sc_module
{
  public:
    // Grant (true) and release (false), written only after trace_busy(true): for waveforms.
    sc_core::sc_signal<bool, sc_core::SC_MANY_WRITERS> busy;

    // clients: requesters 0..clients-1 (resize() may change it before the simulation
    // starts); clk: the cycle (decisions fall at half of it); decide_on: see above.
    Arbiter(sc_core::sc_module_name name, unsigned clients, const sc_core::sc_time &clk,
            Policy policy = Policy::Static, const sc_core::sc_event *decide_on = nullptr);
    ~Arbiter() override;
    Arbiter(const Arbiter &) = delete;
    Arbiter &operator=(const Arbiter &) = delete;

    void resize(unsigned clients);
    unsigned clients() const { return static_cast<unsigned>(m_req.size()); }
    Policy policy() const { return m_policy; }
    void trace_busy(bool on) { m_trace = on; }

    // Called from a thread by client `who` (age: its age key, lower = older) at an integer
    // cycle t; returns at the grant, t' + 0.5 for the cycle t' >= t its hold starts in.
    void acquire(unsigned who, uint64_t age = 0);
    // Called by the holder at the integer cycle its hold ends.
    void release();

    uint64_t grants() const { return m_grants; }

  private:
    void decide();

    const Policy m_policy;
    const bool m_clocked;
    const sc_core::sc_time m_half;
    std::vector<unsigned> m_req, m_tok; // per client: requests waiting, grants not yet taken
    std::vector<uint64_t> m_age;        // per client: the oldest age key it waits with
    std::vector<sc_core::sc_event *> m_grant_ev;
    sc_core::sc_event m_decide_ev;
    unsigned m_pending = 0;
    bool m_busy = false, m_trace = false;
    uint64_t m_grants = 0;
};

} // namespace nstlm

#endif
