// modules.h - the SystemC/TLM-2.0 adapters: one sc_module per hardware block, each owning
// its C model (DRAMSys's adapter pattern).  An adapter decodes the payload, calls the
// model, adds cycles * clock period to the delay and sets the response; timing and energy
// arithmetic live only in models/.  One SystemC nanosecond is one clock cycle (see
// docs/timing.md), so time stamps are exact cycle counts.
#ifndef NS_SIM_MODULES_H
#define NS_SIM_MODULES_H

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "ext.h"

#include "arb.h"
#include "base/stat.h"
#include "bus.h"
#include "dmask.h"
#include "drng.h"
#include "periph.h"
#include "sbuf.h"
#include "tile.h"

namespace ns
{

// One cycle of simulated time.
inline const sc_core::sc_time &cycle_time()
{
    static const sc_core::sc_time one(1, sc_core::SC_NS);
    return one;
}

// Adapter statistics, exported through the same descriptor mechanism as the models.
struct AdapterStats {
    uint64_t transports = 0; // b_transport calls served
};
extern const stat_desc_t adapter_stat_descs[];
extern const unsigned adapter_stat_ndescs;

// Common target: registers b_transport, finds the OpExt, converts the model's cycles to a
// delay.  Derived classes implement serve() by calling their model.
class TargetBase : public sc_core::sc_module
{
  public:
    tlm_utils::simple_target_socket<TargetBase> socket;

    explicit TargetBase(sc_core::sc_module_name name);
    TargetBase(const TargetBase &) = delete;
    TargetBase &operator=(const TargetBase &) = delete;
    const AdapterStats &adapter_stats() const { return m_stats; }

  protected:
    // Serves one operation; returns an ST_* status and the cycles it took.
    virtual int serve(OpExt &op, tlm::tlm_generic_payload &gp, uint64_t &cycles) = 0;

  private:
    void b_transport(tlm::tlm_generic_payload &gp, sc_core::sc_time &delay);
    AdapterStats m_stats;
};

class TileModule : public TargetBase
{
  public:
    TileModule(sc_core::sc_module_name name, tile_t *tile); // takes ownership
    ~TileModule() override;
    const tile_t *model() const { return m_tile; }
    tile_t *model() { return m_tile; }

  protected:
    int serve(OpExt &op, tlm::tlm_generic_payload &gp, uint64_t &cycles) override;

  private:
    tile_t *m_tile;
};

// A layer's dropout modules: draws unit masks (Draw) and routes them to the word-line
// pairs of each input vector (Expand, through dmask: wiring, no cycles).
class DrngModule : public TargetBase
{
  public:
    // Takes ownership of drng; geom and gran describe what a unit gates.
    DrngModule(sc_core::sc_module_name name, drng_t *drng, const dmask_geom_t &geom,
               dmask_gran_t gran);
    ~DrngModule() override;
    const drng_t *model() const { return m_drng; }

  protected:
    int serve(OpExt &op, tlm::tlm_generic_payload &gp, uint64_t &cycles) override;

  private:
    drng_t *m_drng;
    dmask_geom_t m_geom;
    dmask_gran_t m_gran;
};

// SpinBayes' stochastic arbiter of one layer.
class ArbModule : public TargetBase
{
  public:
    ArbModule(sc_core::sc_module_name name, arb_t *arb); // takes ownership
    ~ArbModule() override;
    const arb_t *model() const { return m_arb; }

  protected:
    int serve(OpExt &op, tlm::tlm_generic_payload &gp, uint64_t &cycles) override;

  private:
    arb_t *m_arb;
};

class SbufModule : public TargetBase
{
  public:
    SbufModule(sc_core::sc_module_name name, sbuf_t *sbuf); // takes ownership
    ~SbufModule() override;
    const sbuf_t *model() const { return m_sbuf; }

  protected:
    int serve(OpExt &op, tlm::tlm_generic_payload &gp, uint64_t &cycles) override;

  private:
    sbuf_t *m_sbuf;
};

class PeriphModule : public TargetBase
{
  public:
    PeriphModule(sc_core::sc_module_name name, periph_t *periph); // takes ownership
    ~PeriphModule() override;
    const periph_t *model() const { return m_periph; }

  protected:
    int serve(OpExt &op, tlm::tlm_generic_payload &gp, uint64_t &cycles) override;

  private:
    periph_t *m_periph;
};

// The router: sends a payload to the target bound at its address (a port index): the
// layers' tiles, dropout banks and arbiters, the periphery and the scale buffer.  It adds no
// cycles; the global path's traffic goes through the TLM library's nstlm::Bus instead.
class BusModule : public sc_core::sc_module
{
  public:
    tlm_utils::multi_passthrough_target_socket<BusModule> target; // one binding per engine
    tlm_utils::multi_passthrough_initiator_socket<BusModule> initiator;

    explicit BusModule(sc_core::sc_module_name name);
    BusModule(const BusModule &) = delete;
    BusModule &operator=(const BusModule &) = delete;
    const AdapterStats &adapter_stats() const { return m_stats; }

  private:
    void b_transport(int id, tlm::tlm_generic_payload &gp, sc_core::sc_time &delay);
    AdapterStats m_stats;
};

} // namespace ns

#endif
