// ns_tlm.cpp - the TLM-2.0 library's targets and bus (ns_tlm.h): decode the generic
// payload, call the C model, annotate its cycles.  No timing arithmetic of its own.
#include "ns_tlm.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "base/status.h"
#include "fn.h"

using tlm::tlm_generic_payload;

namespace nstlm
{

namespace
{

bool fits(uint64_t off, uint64_t n, uint64_t size)
{
    return off <= size && n <= size - off;
}

// Bytes of the target an access touches: its streaming width (0 or > length: the length).
unsigned span_of(const tlm_generic_payload &gp)
{
    const unsigned len = gp.get_data_length(), sw = gp.get_streaming_width();
    return sw == 0 || sw > len ? len : sw;
}

// Moves gp's data to or from mem[off, off + span) honouring byte enables and streaming width.
void mem_copy(tlm_generic_payload &gp, unsigned char *mem, uint64_t off, bool write)
{
    const unsigned len = gp.get_data_length(), sw = span_of(gp);
    unsigned char *data = gp.get_data_ptr();
    const unsigned char *be = gp.get_byte_enable_ptr();
    const unsigned bel = gp.get_byte_enable_length();
    for (unsigned i = 0; i < len; i++) {
        if (be && bel && be[i % bel] != TLM_BYTE_ENABLED)
            continue;
        unsigned char *m = mem + off + i % sw;
        if (write)
            *m = data[i];
        else
            data[i] = *m;
    }
}

// Common checks of a memory region [0, size) at offset off.  true when gp may proceed.
bool mem_check(tlm_generic_payload &gp, uint64_t off, uint64_t size, bool writable)
{
    if (!fits(off, span_of(gp), size)) {
        gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return false;
    }
    if (gp.is_write() && !writable) {
        gp.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
        return false;
    }
    return true;
}

enum RegAccess { REG_RO, REG_WO, REG_RW };

// Checks a register access of `width` bytes; true when gp may proceed.
bool reg_check(tlm_generic_payload &gp, unsigned width, RegAccess a)
{
    if (gp.get_byte_enable_ptr() && gp.get_byte_enable_length()) {
        gp.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
        return false;
    }
    if (gp.get_data_length() != width || span_of(gp) != width) {
        gp.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
        return false;
    }
    if ((gp.is_write() && a == REG_RO) || (gp.is_read() && a == REG_WO)) {
        gp.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
        return false;
    }
    return true;
}

void reg_put(tlm_generic_payload &gp, uint64_t v)
{
    if (gp.get_data_length() == 8) {
        std::memcpy(gp.get_data_ptr(), &v, 8);
    } else {
        const uint32_t w = static_cast<uint32_t>(v);
        std::memcpy(gp.get_data_ptr(), &w, 4);
    }
}

uint32_t reg_get32(const tlm_generic_payload &gp)
{
    uint32_t w;
    std::memcpy(&w, gp.get_data_ptr(), 4);
    return w;
}

sc_core::sc_time cycles_time(const sc_core::sc_time &clk, uint64_t cycles)
{
    return clk * static_cast<double>(cycles);
}

} // namespace

// ---------------------------------------------------------------- Target

Target::Target(sc_core::sc_module_name name, const sc_core::sc_time &clk)
    : sc_module(name), socket("socket"), m_clk(clk)
{
    act_counts_clear(&m_scratch);
    socket.register_b_transport(this, &Target::b_transport);
    socket.register_transport_dbg(this, &Target::transport_dbg);
    socket.register_get_direct_mem_ptr(this, &Target::get_direct_mem_ptr);
}

void Target::b_transport(tlm_generic_payload &gp, sc_core::sc_time &delay)
{
    InfoExt *ix = nullptr;
    gp.get_extension(ix);
    uint64_t cycles = 0;
    m_transports++;
    if (gp.get_data_length() == 0 && !(gp.get_command() == tlm::TLM_IGNORE_COMMAND)) {
        gp.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
        return;
    }
    if ((gp.get_command() == tlm::TLM_IGNORE_COMMAND)) {
        gp.set_response_status(tlm::TLM_OK_RESPONSE);
        return;
    }
    gp.set_response_status(tlm::TLM_OK_RESPONSE); // access() overrides it on error
    access(gp, false, &cycles, ix && ix->acc ? ix->acc : &m_scratch);
    if (ix)
        ix->target_cycles = cycles;
    delay += cycles_time(m_clk, cycles);
}

unsigned Target::transport_dbg(tlm_generic_payload &gp)
{
    uint64_t cycles = 0;
    if (gp.get_data_length() == 0 || (gp.get_command() == tlm::TLM_IGNORE_COMMAND))
        return 0;
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
    const unsigned n = access(gp, true, &cycles, &m_scratch);
    return gp.is_response_ok() ? n : 0;
}

bool Target::get_direct_mem_ptr(tlm_generic_payload &gp, tlm::tlm_dmi &d)
{
    return dmi(gp, d);
}

// ---------------------------------------------------------------- TileTarget

TileTarget::TileTarget(sc_core::sc_module_name name, const tile_params_t &p,
                       const sc_core::sc_time &clk)
    : Target(name, clk), m_p(p), m_tile(nullptr)
{
    if (p.xbar.rows == 0 || p.xbar.rows > 32768 || p.xbar.cols == 0 || p.xbar.cols > 1024 ||
        tile_create(&p, &m_tile) != ST_OK)
        throw std::invalid_argument("nstlm::TileTarget: tile parameters refused");
    m_words = (p.xbar.rows + 63) / 64;
    m_weights.assign(static_cast<size_t>(m_words) * p.xbar.cols, 0);
    m_input.assign(m_words, 0);
    m_driven.assign(m_words, ~uint64_t{0});
    if (p.xbar.rows % 64)
        m_driven.back() = (uint64_t{1} << (p.xbar.rows % 64)) - 1;
    m_result.assign(p.xbar.cols, 0);
    m_use_rows = p.xbar.rows;
    m_use_cols = p.xbar.cols;
}

TileTarget::~TileTarget()
{
    tile_destroy(m_tile);
}

void TileTarget::run_mvm(uint64_t *cycles, act_counts_t *acc)
{
    const tile_req_t rq = {0, m_use_rows, m_use_cols, nullptr, nullptr, 0, 0, 0};
    uint64_t c = 0;
    if (tile_mvm(m_tile, &rq, &c, acc) != ST_OK) {
        m_status = tile_reg::STATUS_ERROR;
        return;
    }
    // One partial sum per column and read step of max_active_rows rows, each converted by the
    // sense amplifier's quantiser; the periphery adds them.
    const uint32_t step = m_p.xbar.max_active_rows;
    uint64_t clipped = 0;
    for (uint32_t col = 0; col < m_use_cols; col++) {
        const uint64_t *w = &m_weights[static_cast<size_t>(col) * m_words];
        uint32_t sum = 0;
        for (uint32_t lo = 0; lo < m_use_rows; lo += step) {
            const uint32_t hi = std::min(m_use_rows, lo + step);
            const uint32_t m = fn_match_count(m_input.data(), w, m_driven.data(), nullptr, lo, hi);
            sum += fn_quantise(m, m_p.sa.psum_bits, &clipped);
        }
        m_result[col] = sum;
    }
    std::fill(m_result.begin() + m_use_cols, m_result.end(), 0);
    m_clipped = static_cast<uint32_t>(clipped);
    m_mvms++;
    m_last_cycles = c;
    m_total_cycles += c;
    m_status = tile_reg::STATUS_DONE;
    *cycles = c;
}

unsigned TileTarget::access(tlm_generic_payload &gp, bool dbg, uint64_t *cycles, act_counts_t *acc)
{
    using namespace tile_reg;
    const uint64_t a = gp.get_address();
    const uint64_t col_bytes = uint64_t{m_words} * 8;
    const unsigned len = gp.get_data_length();
    if (a >= WEIGHTS) {
        const uint64_t off = a - WEIGHTS;
        if (!mem_check(gp, off, col_bytes * m_p.xbar.cols, true))
            return 0;
        mem_copy(gp, reinterpret_cast<unsigned char *>(m_weights.data()), off, gp.is_write());
        if (gp.is_write() && !dbg) {
            // The rows and columns the write touches are programmed (xbar_program).
            const uint64_t last = off + span_of(gp) - 1;
            const uint64_t c0 = off / col_bytes, c1 = last / col_bytes;
            const uint64_t r0 = off % col_bytes * 8, r1 = last % col_bytes * 8 + 8;
            uint64_t rows;
            if (c0 == c1)
                rows =
                    std::min<uint64_t>(r1, m_p.xbar.rows) - std::min<uint64_t>(r0, m_p.xbar.rows);
            else if (c1 == c0 + 1 && r1 < r0)
                rows = std::min<uint64_t>(r1, m_p.xbar.rows) + m_p.xbar.rows -
                       std::min<uint64_t>(r0, m_p.xbar.rows);
            else
                rows = m_p.xbar.rows;
            uint64_t c = 0;
            if (rows && tile_program(m_tile, static_cast<uint32_t>(rows),
                                     static_cast<uint32_t>(c1 - c0 + 1), &c, acc) == ST_OK) {
                *cycles = c;
                m_total_cycles += c;
            }
        }
        return len;
    }
    if (a >= RESULT && a < RESULT + uint64_t{m_p.xbar.cols} * 4) {
        if (!mem_check(gp, a - RESULT, uint64_t{m_p.xbar.cols} * 4, false))
            return 0;
        mem_copy(gp, reinterpret_cast<unsigned char *>(m_result.data()), a - RESULT, false);
        return len;
    }
    if (a >= INPUT && a < INPUT + col_bytes) {
        if (!mem_check(gp, a - INPUT, col_bytes, true))
            return 0;
        mem_copy(gp, reinterpret_cast<unsigned char *>(m_input.data()), a - INPUT, gp.is_write());
        return len;
    }
    // Registers.  A debug access may read them; it never writes them (no side effects).
    RegAccess acc_kind;
    unsigned width = 4;
    switch (a) {
    case ID:
    case ROWS:
    case COLS:
    case STATUS:
    case MVMS:
    case CLIPPED:
        acc_kind = REG_RO;
        break;
    case LAST_CYCLES:
    case TOTAL_CYCLES:
        acc_kind = REG_RO;
        width = 8;
        break;
    case USE_ROWS:
    case USE_COLS:
        acc_kind = REG_RW;
        break;
    case START:
        acc_kind = REG_WO;
        break;
    default:
        gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return 0;
    }
    if (!reg_check(gp, width, acc_kind))
        return 0;
    if (gp.is_read()) {
        const uint64_t v = a == ID             ? ID_VALUE
                           : a == ROWS         ? m_p.xbar.rows
                           : a == COLS         ? m_p.xbar.cols
                           : a == STATUS       ? m_status
                           : a == MVMS         ? m_mvms
                           : a == CLIPPED      ? m_clipped
                           : a == LAST_CYCLES  ? m_last_cycles
                           : a == TOTAL_CYCLES ? m_total_cycles
                           : a == USE_ROWS     ? m_use_rows
                                               : m_use_cols;
        reg_put(gp, v);
        return len;
    }
    if (dbg)
        return 0;
    const uint32_t v = reg_get32(gp);
    if (a == START) {
        if (v == 1) {
            run_mvm(cycles, acc);
            if (m_status == STATUS_ERROR)
                gp.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
        }
    } else {
        const uint32_t lim = a == USE_ROWS ? m_p.xbar.rows : m_p.xbar.cols;
        if (v == 0 || v > lim) {
            gp.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
            return 0;
        }
        (a == USE_ROWS ? m_use_rows : m_use_cols) = v;
    }
    return len;
}

// ---------------------------------------------------------------- SramTarget

SramTarget::SramTarget(sc_core::sc_module_name name, const sbuf_params_t &p,
                       const sc_core::sc_time &clk)
    : Target(name, clk), m_p(p), m_sbuf(nullptr)
{
    if (p.word_bits % 8 || uint64_t{p.words} * p.word_bits > (uint64_t{1} << 33) ||
        sbuf_create(&p, &m_sbuf) != ST_OK)
        throw std::invalid_argument("nstlm::SramTarget: buffer parameters refused");
    m_mem.assign(static_cast<size_t>(uint64_t{p.words} * p.word_bits / 8), 0);
}

SramTarget::~SramTarget()
{
    sbuf_destroy(m_sbuf);
}

unsigned SramTarget::access(tlm_generic_payload &gp, bool dbg, uint64_t *cycles, act_counts_t *acc)
{
    if (!mem_check(gp, gp.get_address(), m_mem.size(), true))
        return 0;
    if (!dbg) {
        const uint64_t bits = uint64_t{8} * gp.get_data_length();
        const int st = gp.is_write() ? sbuf_write(m_sbuf, bits, cycles, acc)
                                     : sbuf_read(m_sbuf, bits, cycles, acc);
        if (st != ST_OK) {
            gp.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
            return 0;
        }
    }
    mem_copy(gp, m_mem.data(), gp.get_address(), gp.is_write());
    return gp.get_data_length();
}

bool SramTarget::dmi(tlm_generic_payload &, tlm::tlm_dmi &d)
{
    d.set_dmi_ptr(m_mem.data());
    d.set_start_address(0);
    d.set_end_address(m_mem.size() - 1);
    d.allow_read_write();
    d.set_read_latency(cycles_time(m_clk, m_p.t_read_cyc));
    d.set_write_latency(cycles_time(m_clk, m_p.t_write_cyc));
    return true;
}

// ---------------------------------------------------------------- RngTarget

RngTarget::RngTarget(sc_core::sc_module_name name, const drng_params_t &p, uint64_t seed,
                     uint32_t rows, double prob, const sc_core::sc_time &clk)
    : Target(name, clk), m_drng(nullptr), m_rows(rows)
{
    if (rows == 0 || rows > 65536 || drng_create(&p, seed, 0, rows, prob, &m_drng) != ST_OK)
        throw std::invalid_argument("nstlm::RngTarget: dropout parameters refused");
    m_mask.assign((rows + 63) / 64, 0);
}

RngTarget::~RngTarget()
{
    drng_destroy(m_drng);
}

unsigned RngTarget::access(tlm_generic_payload &gp, bool dbg, uint64_t *cycles, act_counts_t *acc)
{
    using namespace rng_reg;
    const uint64_t a = gp.get_address();
    const unsigned len = gp.get_data_length();
    if (a >= MASK) {
        if (!mem_check(gp, a - MASK, m_mask.size() * 8, false))
            return 0;
        mem_copy(gp, reinterpret_cast<unsigned char *>(m_mask.data()), a - MASK, false);
        return len;
    }
    RegAccess k;
    switch (a) {
    case PASS:
    case VECTOR:
        k = REG_RW;
        break;
    case DRAW:
        k = REG_WO;
        break;
    case DROPPED:
    case ROWS:
        k = REG_RO;
        break;
    default:
        gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return 0;
    }
    if (!reg_check(gp, 4, k))
        return 0;
    if (gp.is_read()) {
        reg_put(gp, a == PASS      ? m_pass
                    : a == VECTOR  ? m_vector
                    : a == DROPPED ? m_dropped
                                   : m_rows);
        return len;
    }
    if (dbg)
        return 0;
    const uint32_t v = reg_get32(gp);
    if (a == PASS)
        m_pass = v;
    else if (a == VECTOR)
        m_vector = v;
    else if (v == 1) {
        if (drng_draw(m_drng, m_pass, m_vector, m_mask.data(), cycles, acc, &m_dropped) != ST_OK) {
            gp.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
            return 0;
        }
        m_vector++;
    }
    return len;
}

// ---------------------------------------------------------------- Bus

Bus::Bus(sc_core::sc_module_name name, const bus_params_t &p, const sc_core::sc_time &clk,
         Policy policy, const sc_core::sc_event *decide_on)
    : sc_module(name), target("target"), initiator("initiator"), m_bus(nullptr), m_clk(clk),
      m_half(clk / 2.0), m_arb("arbiter", 0, clk, policy, decide_on)
{
    if (bus_create(&p, &m_bus) != ST_OK)
        throw std::invalid_argument("nstlm::Bus: bus parameters refused");
    m_overlap = p.overlap != 0;
    m_hop = p.t_hop_cyc;
    act_counts_clear(&m_scratch);
    target.register_b_transport(this, &Bus::b_transport);
    target.register_nb_transport_fw(this, &Bus::nb_transport_fw);
    target.register_transport_dbg(this, &Bus::transport_dbg);
    target.register_get_direct_mem_ptr(this, &Bus::get_direct_mem_ptr);
    initiator.register_nb_transport_bw(this, &Bus::nb_transport_bw);
    initiator.register_invalidate_direct_mem_ptr(this, &Bus::invalidate_direct_mem_ptr);
}

Bus::~Bus()
{
    for (auto *e : m_end_resp_ev)
        delete e;
    for (auto *q : m_peq)
        delete q;
    bus_destroy(m_bus);
}

void Bus::map(unsigned port, uint64_t base, uint64_t size)
{
    if (size == 0 || base + size - 1 < base)
        throw std::invalid_argument("nstlm::Bus::map: empty or wrapping range");
    for (const Region &r : m_map)
        if (base <= r.base + (r.size - 1) && r.base <= base + (size - 1))
            throw std::invalid_argument("nstlm::Bus::map: ranges overlap");
    m_map.push_back({base, size, port});
}

const Bus::Region *Bus::decode(uint64_t addr) const
{
    for (const Region &r : m_map)
        if (addr >= r.base && addr - r.base < r.size)
            return &r;
    return nullptr;
}

void Bus::end_of_elaboration()
{
    const unsigned n = static_cast<unsigned>(target.size());
    for (const Region &r : m_map)
        if (r.port >= initiator.size())
            SC_REPORT_ERROR(name(), "a mapped port has no target bound");
    m_arb.resize(n);
    m_end_resp.assign(n, 0);
    for (unsigned i = 0; i < n; i++) {
        m_end_resp_ev.push_back(new sc_core::sc_event);
        m_peq.push_back(
            new tlm_utils::peq_with_get<tlm_generic_payload>(sc_core::sc_gen_unique_name("peq")));
        sc_core::sc_spawn_options o;
        sc_core::sc_spawn(sc_bind(&Bus::at_worker, this, i),
                          sc_core::sc_gen_unique_name("at_worker"), &o);
    }
}

uint64_t Bus::acquire(unsigned id, tlm_generic_payload &gp)
{
    InfoExt *ix = nullptr;
    gp.get_extension(ix);
    const sc_core::sc_time asked = sc_core::sc_time_stamp();
    m_arb.acquire(id, ix ? ix->age : 0);
    const uint64_t waited =
        static_cast<uint64_t>((sc_core::sc_time_stamp() - m_half - asked) / m_clk + 0.5);
    m_wait_cycles += waited;
    return waited;
}

// Called at the grant, cycle t' + 0.5: moves gp over the bus and through its target; the
// bus stays held until t' + bus cycles + target cycles, which it returns: the caller waits
// until then in its own thread and releases the arbiter (so a hold costs no event of its own).
sc_core::sc_time Bus::transfer(tlm_generic_payload &gp, const Region &r)
{
    const sc_core::sc_time granted = sc_core::sc_time_stamp();
    InfoExt *ix = nullptr;
    gp.get_extension(ix);
    uint64_t bc = 0;
    const uint64_t bits = ix && ix->bits ? ix->bits : uint64_t{8} * gp.get_data_length();
    // bits >= 1 (b_transport refuses an empty payload) and far below 2^63: cannot fail
    if (bus_transfer(m_bus, bits, &bc, ix && ix->acc ? ix->acc : &m_scratch) != ST_OK)
        SIM_BUG("bus_transfer refused a non-empty transfer");
    const uint64_t addr = gp.get_address();
    sc_core::sc_time d = sc_core::SC_ZERO_TIME;
    gp.set_address(addr - r.base);
    initiator[r.port]->b_transport(gp, d);
    gp.set_address(addr);
    if (ix)
        ix->bus_cycles = bc;
    m_transactions++;
    const sc_core::sc_time target_time = (sc_core::sc_time_stamp() - granted) + d;
    if (m_overlap && bits > 0) {
        // The target takes each beat as it arrives: after the hop the beats and the
        // target's own cycles run together, the slower one sets the end.
        const sc_core::sc_time hop = cycles_time(m_clk, m_hop);
        const sc_core::sc_time beats = cycles_time(m_clk, bc - m_hop);
        return granted - m_half + hop + (beats > target_time ? beats : target_time);
    }
    return granted - m_half + cycles_time(m_clk, bc) + target_time;
}

void Bus::b_transport(int id, tlm_generic_payload &gp, sc_core::sc_time &delay)
{
    const Region *r = decode(gp.get_address());
    if (!r) {
        gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    if (gp.get_data_length() == 0) {
        gp.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
        return;
    }
    if (delay > sc_core::SC_ZERO_TIME) {
        sc_core::wait(delay);
        delay = sc_core::SC_ZERO_TIME;
    }
    const uint64_t waited = acquire(static_cast<unsigned>(id), gp);
    InfoExt *ix = nullptr;
    gp.get_extension(ix);
    if (ix)
        ix->wait_cycles = waited;
    sc_core::wait(transfer(gp, *r) - sc_core::sc_time_stamp());
    m_arb.release();
}

tlm::tlm_sync_enum Bus::nb_transport_fw(int id, tlm_generic_payload &gp, tlm::tlm_phase &ph,
                                        sc_core::sc_time &delay)
{
    if (ph == tlm::BEGIN_REQ) {
        if (!decode(gp.get_address()) || gp.get_data_length() == 0) {
            gp.set_response_status(decode(gp.get_address()) ? tlm::TLM_BURST_ERROR_RESPONSE
                                                            : tlm::TLM_ADDRESS_ERROR_RESPONSE);
            ph = tlm::BEGIN_RESP;
            return tlm::TLM_COMPLETED;
        }
        m_peq[id]->notify(gp, delay);
        return tlm::TLM_ACCEPTED;
    }
    if (ph == tlm::END_RESP) {
        m_end_resp[id] = 1;
        m_end_resp_ev[id]->notify(delay);
        return tlm::TLM_COMPLETED;
    }
    SC_REPORT_ERROR(name(), "nb_transport_fw: phase other than BEGIN_REQ or END_RESP");
    return tlm::TLM_COMPLETED;
}

// One per initiator socket binding: serves that initiator's AT requests in order.
void Bus::at_worker(unsigned id)
{
    for (;;) {
        sc_core::wait(m_peq[id]->get_event());
        while (tlm_generic_payload *gp = m_peq[id]->get_next_transaction()) {
            const Region *r = decode(gp->get_address());
            const uint64_t waited = acquire(id, *gp);
            InfoExt *ix = nullptr;
            gp->get_extension(ix);
            if (ix)
                ix->wait_cycles = waited;
            tlm::tlm_phase ph = tlm::END_REQ;
            sc_core::sc_time d = sc_core::SC_ZERO_TIME;
            target[id]->nb_transport_bw(*gp, ph, d);
            sc_core::wait(transfer(*gp, *r) - sc_core::sc_time_stamp());
            m_arb.release();
            ph = tlm::BEGIN_RESP;
            d = sc_core::SC_ZERO_TIME;
            m_end_resp[id] = 0;
            if (target[id]->nb_transport_bw(*gp, ph, d) == tlm::TLM_ACCEPTED)
                while (!m_end_resp[id])
                    sc_core::wait(*m_end_resp_ev[id]);
        }
    }
}

unsigned Bus::transport_dbg(int, tlm_generic_payload &gp)
{
    const Region *r = decode(gp.get_address());
    if (!r)
        return 0;
    const uint64_t addr = gp.get_address();
    gp.set_address(addr - r->base);
    const unsigned n = initiator[r->port]->transport_dbg(gp);
    gp.set_address(addr);
    return n;
}

bool Bus::get_direct_mem_ptr(int, tlm_generic_payload &gp, tlm::tlm_dmi &d)
{
    const Region *r = decode(gp.get_address());
    if (!r)
        return false;
    const uint64_t addr = gp.get_address();
    gp.set_address(addr - r->base);
    const bool ok = initiator[r->port]->get_direct_mem_ptr(gp, d);
    gp.set_address(addr);
    const uint64_t last = r->size - 1;
    d.set_start_address(r->base + std::min<uint64_t>(d.get_start_address(), last));
    d.set_end_address(r->base + std::min<uint64_t>(d.get_end_address(), last));
    return ok;
}

tlm::tlm_sync_enum Bus::nb_transport_bw(int, tlm_generic_payload &, tlm::tlm_phase &,
                                        sc_core::sc_time &)
{
    SC_REPORT_ERROR(name(), "nb_transport_bw: the bus calls its targets with b_transport only");
    return tlm::TLM_COMPLETED;
}

void Bus::invalidate_direct_mem_ptr(int port, sc_dt::uint64 start, sc_dt::uint64 end)
{
    for (const Region &r : m_map) {
        if (r.port != static_cast<unsigned>(port) || start > r.size - 1)
            continue;
        const uint64_t s = r.base + start, e = r.base + std::min<uint64_t>(end, r.size - 1);
        for (unsigned i = 0; i < target.size(); i++)
            target[i]->invalidate_direct_mem_ptr(s, e);
    }
}

} // namespace nstlm
