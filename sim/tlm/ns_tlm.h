// ns_tlm.h - neuspin as a TLM-2.0 library: base-protocol targets for a tile, an SRAM buffer
// and a dropout-RNG bank, and a bus that routes by address and arbitrates every transaction
// that reaches it.  Installed as <neuspin/ns_tlm.h>; docs/integration.md has the address
// map, the registers and a minimal platform.
//
// Every target honours the generic payload's command, address, data length, byte enables
// and streaming width and answers with the response status the base protocol prescribes:
//   TLM_ADDRESS_ERROR_RESPONSE     offset outside the target, or a register offset that
//                                  does not exist or is misaligned
//   TLM_COMMAND_ERROR_RESPONSE     a WRITE to a read-only or a READ of a write-only location
//   TLM_BURST_ERROR_RESPONSE       a register access whose length is not the register's
//                                  width, a streaming width below the length on a register,
//                                  or a data length of 0
//   TLM_BYTE_ENABLE_ERROR_RESPONSE byte enables on a register (memories honour them)
// TLM_IGNORE_COMMAND is answered TLM_OK_RESPONSE and does nothing.  Targets do not need an
// extension; InfoExt below is optional and never changes what the standard attributes mean.
//
// Timing (one cycle = the clock period given to each module): each access costs what the C
// model of its block returns (tile_mvm, tile_program, sbuf_read/sbuf_write, drng_draw,
// bus_transfer); register, input and result accesses cost no target cycles (the bus
// transfer carries them).  The bus adds t_hop_cyc + ceil(8 * length / width_bits) cycles
// and is held for the whole transaction (no split transactions): bus cycles + target
// cycles.  Requests are decided half a cycle after they arrive by nstlm::Arbiter
// (ns_arbiter.h, docs/timing.md), the arbiter neuspin's own engines use: static priority
// (lowest initiator socket binding index first) or, with Policy::Age, the oldest age key
// (InfoExt::age; 0 without the extension) first, then the lowest index; a request that
// loses waits.
#ifndef NS_TLM_H
#define NS_TLM_H

#include <cstdint>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>
#include <tlm_utils/peq_with_get.h>
#include <tlm_utils/simple_target_socket.h>

#include "ns_arbiter.h"

#include "bus.h"
#include "drng.h"
#include "energy.h"
#include "sbuf.h"
#include "tile.h"

namespace nstlm
{

// ---- Address map of a tile (offsets from the tile's base) ----
namespace tile_reg
{
constexpr uint64_t ID = 0x00;           // RO 32: 0x4E535054 ("NSPT")
constexpr uint64_t ROWS = 0x04;         // RO 32: crossbar rows (word-line pairs)
constexpr uint64_t COLS = 0x08;         // RO 32: crossbar columns (bit lines)
constexpr uint64_t USE_ROWS = 0x0C;     // RW 32: rows the MVM reads, 1..ROWS (reset: ROWS)
constexpr uint64_t USE_COLS = 0x10;     // RW 32: columns the MVM reads, 1..COLS (reset: COLS)
constexpr uint64_t START = 0x14;        // WO 32: writing 1 runs one MVM (other values: no-op)
constexpr uint64_t STATUS = 0x18;       // RO 32: bit 0 done, bit 1 error (last MVM)
constexpr uint64_t MVMS = 0x1C;         // RO 32: MVMs run
constexpr uint64_t LAST_CYCLES = 0x20;  // RO 64: cycles of the last MVM (tile_mvm)
constexpr uint64_t TOTAL_CYCLES = 0x28; // RO 64: cycles of all MVMs and weight writes
constexpr uint64_t CLIPPED = 0x30;      // RO 32: partial sums the sense amps clipped (last MVM)
constexpr uint64_t INPUT = 0x1000;      // RW: input vector, ceil(ROWS / 64) * 8 bytes; bit r
                                        // of byte r / 8 = input row r (1 = +1)
constexpr uint64_t RESULT = 0x2000;     // RO: COLS x 32-bit match counts of the last MVM
constexpr uint64_t WEIGHTS = 0x10000;   // RW: column-major, column c at c * ceil(ROWS/64) * 8;
                                        // bit r of its byte r / 8 = weight (r, c) (1 = +1)
constexpr uint32_t ID_VALUE = 0x4E535054u;
constexpr uint32_t STATUS_DONE = 1u, STATUS_ERROR = 2u;
} // namespace tile_reg

// ---- Address map of a dropout-RNG bank ----
namespace rng_reg
{
constexpr uint64_t PASS = 0x00;    // RW 32: generator state: MC pass of the next draw
constexpr uint64_t VECTOR = 0x04;  // RW 32: generator state: input vector of the next draw
constexpr uint64_t DRAW = 0x08;    // WO 32: writing 1 draws the mask of (PASS, VECTOR), then
                                   // VECTOR += 1
constexpr uint64_t DROPPED = 0x0C; // RO 32: rows the last draw dropped
constexpr uint64_t ROWS = 0x10;    // RO 32: rows of the bank
constexpr uint64_t MASK = 0x100;   // RO: last mask, ceil(ROWS / 64) * 8 bytes, bit r = row kept
} // namespace rng_reg

// Optional extension: a target or the bus MAY fill it; an initiator MAY attach it.  It never
// changes what command, address, data, length, byte enables or streaming width mean.
struct InfoExt : tlm::tlm_extension<InfoExt> {
    act_counts_t *acc = nullptr; // where the models add their action counts (nullptr: none)
    uint64_t target_cycles = 0;  // set by the target: cycles its model charged
    uint64_t bus_cycles = 0;     // set by the bus: transfer cycles (bus_transfer)
    uint64_t wait_cycles = 0;    // set by the bus: cycles queued before the grant
    uint64_t age = 0;            // set by the initiator: its age key under Policy::Age
                                 // (lower = older; e.g. an MC pass or a request number)
    uint64_t bits = 0;           // set by the initiator: bits of the data that cross the bus
                                 // when not all 8 x length do (sub-byte items); 0: 8 x length

    tlm::tlm_extension_base *clone() const override { return new InfoExt(*this); }
    void copy_from(const tlm::tlm_extension_base &e) override
    {
        *this = static_cast<const InfoExt &>(e);
    }
};

// Common part of the targets: a simple_target_socket with b_transport, transport_dbg and
// get_direct_mem_ptr registered; derived classes implement access().
class Target : public sc_core::sc_module
{
  public:
    tlm_utils::simple_target_socket<Target> socket;

    Target(sc_core::sc_module_name name, const sc_core::sc_time &clk);
    Target(const Target &) = delete;
    Target &operator=(const Target &) = delete;
    uint64_t transports() const { return m_transports; }

  protected:
    // Serves gp (offset = gp's address) and sets its response status; *cycles gets the
    // model's cycles, acc its action counts.  dbg: a debug access (no model call, no time).
    // Returns the bytes moved for a debug access.
    virtual unsigned access(tlm::tlm_generic_payload &gp, bool dbg, uint64_t *cycles,
                            act_counts_t *acc) = 0;
    virtual bool dmi(tlm::tlm_generic_payload &, tlm::tlm_dmi &) { return false; }
    sc_core::sc_time m_clk;

  private:
    void b_transport(tlm::tlm_generic_payload &gp, sc_core::sc_time &delay);
    unsigned transport_dbg(tlm::tlm_generic_payload &gp);
    bool get_direct_mem_ptr(tlm::tlm_generic_payload &gp, tlm::tlm_dmi &d);
    act_counts_t m_scratch; // actions when the payload carries no InfoExt
    uint64_t m_transports = 0;
};

// A CIM tile: weights, input vector, control registers, results (tile_reg above).  An MVM
// is timed by tile_mvm and computed by fn_match_count per read step of max_active_rows
// rows, each step's count converted by fn_quantise (psum_bits), summed per column.
class TileTarget : public Target
{
  public:
    // Throws std::invalid_argument when tile_create refuses p or the crossbar exceeds
    // 32768 rows or 1024 columns.
    TileTarget(sc_core::sc_module_name name, const tile_params_t &p,
               const sc_core::sc_time &clk = sc_core::sc_time(1, sc_core::SC_NS));
    ~TileTarget() override;
    const tile_t *model() const { return m_tile; }
    uint64_t size() const { return tile_reg::WEIGHTS + m_weights.size() * 8; }

  protected:
    unsigned access(tlm::tlm_generic_payload &gp, bool dbg, uint64_t *cycles,
                    act_counts_t *acc) override;

  private:
    void run_mvm(uint64_t *cycles, act_counts_t *acc);
    tile_params_t m_p;
    tile_t *m_tile;
    uint32_t m_words;                // 64-bit words per column / input vector
    std::vector<uint64_t> m_weights; // column-major
    std::vector<uint64_t> m_input, m_driven;
    std::vector<uint32_t> m_result;
    uint32_t m_use_rows, m_use_cols, m_status = 0, m_mvms = 0, m_clipped = 0;
    uint64_t m_last_cycles = 0, m_total_cycles = 0;
};

// An SRAM buffer of words x word_bits (word_bits a multiple of 8), byte-addressed from 0;
// timed by sbuf_read/sbuf_write of 8 * length bits; grants DMI for reads and writes with
// latencies t_read_cyc and t_write_cyc per access.
class SramTarget : public Target
{
  public:
    SramTarget(sc_core::sc_module_name name, const sbuf_params_t &p,
               const sc_core::sc_time &clk = sc_core::sc_time(1, sc_core::SC_NS));
    ~SramTarget() override;
    uint64_t size() const { return m_mem.size(); }
    const sbuf_t *model() const { return m_sbuf; }

  protected:
    unsigned access(tlm::tlm_generic_payload &gp, bool dbg, uint64_t *cycles,
                    act_counts_t *acc) override;
    bool dmi(tlm::tlm_generic_payload &gp, tlm::tlm_dmi &d) override;

  private:
    sbuf_params_t m_p;
    sbuf_t *m_sbuf;
    std::vector<unsigned char> m_mem;
};

// A bank of dropout modules for `rows` word-line pairs at probability prob (rng_reg above);
// a draw is timed and drawn by drng_draw.
class RngTarget : public Target
{
  public:
    RngTarget(sc_core::sc_module_name name, const drng_params_t &p, uint64_t seed, uint32_t rows,
              double prob, const sc_core::sc_time &clk = sc_core::sc_time(1, sc_core::SC_NS));
    ~RngTarget() override;
    uint64_t size() const { return rng_reg::MASK + m_mask.size() * 8; }

  protected:
    unsigned access(tlm::tlm_generic_payload &gp, bool dbg, uint64_t *cycles,
                    act_counts_t *acc) override;

  private:
    drng_t *m_drng;
    uint32_t m_rows, m_pass = 0, m_vector = 0, m_dropped = 0;
    std::vector<uint64_t> m_mask;
};

// The interconnect.  Initiators bind to `target` (binding index = client of the arbiter:
// under Policy::Static its priority, 0 highest);
// targets bind to `initiator` and are placed in the address map with map().  b_transport
// (LT; it synchronises: waits out the annotated delay, then for the grant, then for the end
// of the hold, and returns then with zero delay), nb_transport_fw
// four-phase (AT: END_REQ at the grant, BEGIN_RESP when the hold ends), transport_dbg and
// DMI are passed through with the address translated to the target's offset and back.
class Bus : public sc_core::sc_module
{
  public:
    tlm_utils::multi_passthrough_target_socket<Bus> target;
    tlm_utils::multi_passthrough_initiator_socket<Bus> initiator;

    Bus(sc_core::sc_module_name name, const bus_params_t &p,
        const sc_core::sc_time &clk = sc_core::sc_time(1, sc_core::SC_NS),
        Policy policy = Policy::Static, const sc_core::sc_event *decide_on = nullptr);
    ~Bus() override;
    Bus(const Bus &) = delete;
    Bus &operator=(const Bus &) = delete;
    // Maps [base, base + size) to the target bound to initiator port `port`.  Throws
    // std::invalid_argument on an overlap or an empty range.
    void map(unsigned port, uint64_t base, uint64_t size);
    const bus_t *model() const { return m_bus; }
    uint64_t transactions() const { return m_transactions; }
    uint64_t wait_cycles() const { return m_wait_cycles; } // summed over transactions
    // The bus's arbiter (decide_on: Arbiter's clocked decisions, e.g. a clock's falling edge).
    Arbiter &arbiter() { return m_arb; }
    const Arbiter &arbiter() const { return m_arb; }

  private:
    struct Region {
        uint64_t base, size;
        unsigned port;
    };
    const Region *decode(uint64_t addr) const;
    void end_of_elaboration() override;
    void b_transport(int id, tlm::tlm_generic_payload &gp, sc_core::sc_time &delay);
    tlm::tlm_sync_enum nb_transport_fw(int id, tlm::tlm_generic_payload &gp, tlm::tlm_phase &ph,
                                       sc_core::sc_time &delay);
    unsigned transport_dbg(int id, tlm::tlm_generic_payload &gp);
    bool get_direct_mem_ptr(int id, tlm::tlm_generic_payload &gp, tlm::tlm_dmi &d);
    tlm::tlm_sync_enum nb_transport_bw(int id, tlm::tlm_generic_payload &gp, tlm::tlm_phase &ph,
                                       sc_core::sc_time &delay);
    void invalidate_direct_mem_ptr(int id, sc_dt::uint64 start, sc_dt::uint64 end);
    // Arbitration (m_arb): returns at the grant, cycle t' + 0.5, and the cycles waited.
    uint64_t acquire(unsigned id, tlm::tlm_generic_payload &gp);
    sc_core::sc_time transfer(tlm::tlm_generic_payload &gp, const Region &r);
    void at_worker(unsigned id);

    bus_t *m_bus;
    bool m_overlap = false; // bus_params_t::overlap: beats overlap the target's cycles
    uint64_t m_hop = 0;     // bus_params_t::t_hop_cyc
    sc_core::sc_time m_clk, m_half;
    Arbiter m_arb;
    std::vector<Region> m_map;
    std::vector<sc_core::sc_event *> m_end_resp_ev;
    std::vector<tlm_utils::peq_with_get<tlm::tlm_generic_payload> *> m_peq;
    std::vector<char> m_end_resp;
    uint64_t m_transactions = 0, m_wait_cycles = 0;
    act_counts_t m_scratch;
};

} // namespace nstlm

#endif
