// ns_arbiter.cpp - the arbitration of a shared resource (ns_arbiter.h, docs/timing.md).
#include "ns_arbiter.h"

namespace nstlm
{

Arbiter::Arbiter(sc_core::sc_module_name name, unsigned clients, const sc_core::sc_time &clk,
                 Policy policy, const sc_core::sc_event *decide_on)
    : sc_module(name), busy("busy", false), m_policy(policy), m_clocked(decide_on != nullptr),
      m_half(clk / 2.0)
{
    resize(clients);
    SC_HAS_PROCESS(Arbiter);
    SC_METHOD(decide);
    if (decide_on)
        sensitive << *decide_on;
    else
        sensitive << m_decide_ev;
    dont_initialize();
}

Arbiter::~Arbiter()
{
    for (auto *e : m_grant_ev)
        delete e;
}

void Arbiter::resize(unsigned clients)
{
    m_req.assign(clients, 0);
    m_tok.assign(clients, 0);
    m_age.assign(clients, 0);
    while (m_grant_ev.size() < clients)
        m_grant_ev.push_back(new sc_core::sc_event);
    while (m_grant_ev.size() > clients) {
        delete m_grant_ev.back();
        m_grant_ev.pop_back();
    }
    m_pending = 0;
}

void Arbiter::acquire(unsigned who, uint64_t age)
{
    if (!m_req[who] || age < m_age[who])
        m_age[who] = age;
    m_req[who]++;
    m_pending++;
    if (!m_clocked)
        m_decide_ev.notify(m_half); // an earlier pending notification stays
    while (!m_tok[who])
        sc_core::wait(*m_grant_ev[who]);
    m_tok[who]--;
}

void Arbiter::release()
{
    m_busy = false;
    if (m_trace)
        busy.write(false);
    if (m_pending && !m_clocked)
        m_decide_ev.notify(m_half);
}

void Arbiter::decide()
{
    if (m_busy || !m_pending)
        return;
    const unsigned none = clients();
    unsigned w = none; // the first request in client order, or an older one
    for (unsigned i = 0; i < none; i++) {
        if (!m_req[i])
            continue;
        if (w == none)
            w = i;
        else if (m_policy == Policy::Age && m_age[i] < m_age[w])
            w = i;
        if (m_policy == Policy::Static)
            break;
    }
    m_req[w]--;
    m_pending--;
    m_busy = true;
    m_grants++;
    if (m_trace)
        busy.write(true);
    m_tok[w]++;
    m_grant_ev[w]->notify(sc_core::SC_ZERO_TIME);
}

} // namespace nstlm
