// modules.cpp - the adapters: decode, call the C model, annotate the delay.
#include "modules.h"

#include <cstddef>

#include "base/status.h"

namespace ns
{

const stat_desc_t adapter_stat_descs[] = {
    {"transports", "count", "b_transport calls served", offsetof(AdapterStats, transports)},
};
const unsigned adapter_stat_ndescs = sizeof adapter_stat_descs / sizeof adapter_stat_descs[0];

TargetBase::TargetBase(sc_core::sc_module_name name) : sc_module(name), socket("socket")
{
    socket.register_b_transport(this, &TargetBase::b_transport);
}

void TargetBase::b_transport(tlm::tlm_generic_payload &gp, sc_core::sc_time &delay)
{
    OpExt *op = nullptr;
    gp.get_extension(op);
    if (!op) {
        gp.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
        return;
    }
    m_stats.transports++;
    uint64_t cycles = 0;
    op->status = serve(*op, gp, cycles);
    delay += cycle_time() * static_cast<double>(cycles);
    gp.set_response_status(op->status == ST_OK ? tlm::TLM_OK_RESPONSE
                                               : tlm::TLM_GENERIC_ERROR_RESPONSE);
}

static uint64_t *mask_of(tlm::tlm_generic_payload &gp)
{
    return reinterpret_cast<uint64_t *>(gp.get_data_ptr());
}

TileModule::TileModule(sc_core::sc_module_name name, tile_t *tile) : TargetBase(name), m_tile(tile)
{
}
TileModule::~TileModule()
{
    tile_destroy(m_tile);
}

int TileModule::serve(OpExt &op, tlm::tlm_generic_payload &gp, uint64_t &cycles)
{
    if (op.op != Op::Mvm)
        return ST_EINVAL;
    tile_req_t rq = {op.row_off, op.rows,    op.cols,  mask_of(gp),
                     op.units,   op.col_off, op.wcols, op.cell_mtjs};
    return tile_mvm(m_tile, &rq, &cycles, op.acc);
}

DrngModule::DrngModule(sc_core::sc_module_name name, drng_t *drng, const dmask_geom_t &geom,
                       dmask_gran_t gran)
    : TargetBase(name), m_drng(drng), m_geom(geom), m_gran(gran)
{
}
DrngModule::~DrngModule()
{
    drng_destroy(m_drng);
}

int DrngModule::serve(OpExt &op, tlm::tlm_generic_payload &gp, uint64_t &cycles)
{
    switch (op.op) {
    case Op::Draw:
        return drng_draw(m_drng, op.pass, op.mvm, mask_of(gp), &cycles, op.acc, &op.dropped);
    case Op::Expand:
        cycles = 0; // the mask-distribution wiring is combinational
        op.dropped = dmask_rows(&m_geom, m_gran, op.units, op.mvm, mask_of(gp));
        return ST_OK;
    default:
        return ST_EINVAL;
    }
}

ArbModule::ArbModule(sc_core::sc_module_name name, arb_t *arb) : TargetBase(name), m_arb(arb) {}
ArbModule::~ArbModule()
{
    arb_destroy(m_arb);
}

int ArbModule::serve(OpExt &op, tlm::tlm_generic_payload &, uint64_t &cycles)
{
    if (op.op != Op::Select)
        return ST_EINVAL;
    return arb_draw(m_arb, op.pass, &op.sel, &cycles, op.acc);
}

SbufModule::SbufModule(sc_core::sc_module_name name, sbuf_t *sbuf) : TargetBase(name), m_sbuf(sbuf)
{
}
SbufModule::~SbufModule()
{
    sbuf_destroy(m_sbuf);
}

int SbufModule::serve(OpExt &op, tlm::tlm_generic_payload &, uint64_t &cycles)
{
    switch (op.op) {
    case Op::Read: {
        const int st = sbuf_read(m_sbuf, op.n, &cycles, op.acc);
        return st == ST_OK ? sbuf_line_read(m_sbuf, op.line_bits, op.acc) : st;
    }
    case Op::Write:
        return sbuf_write(m_sbuf, op.n, &cycles, op.acc);
    default:
        return ST_EINVAL;
    }
}

PeriphModule::PeriphModule(sc_core::sc_module_name name, periph_t *periph)
    : TargetBase(name), m_periph(periph)
{
}
PeriphModule::~PeriphModule()
{
    periph_destroy(m_periph);
}

int PeriphModule::serve(OpExt &op, tlm::tlm_generic_payload &, uint64_t &cycles)
{
    switch (op.op) {
    case Op::Reduce:
        return periph_reduce(m_periph, op.n_partials, op.cols, &cycles, op.acc);
    case Op::Activate:
        return periph_activate(m_periph, op.n, &cycles, op.acc);
    case Op::Pool:
        return periph_pool(m_periph, op.n, op.window, &cycles, op.acc);
    case Op::Add:
        return periph_add(m_periph, op.n, &cycles, op.acc);
    case Op::Scale:
        return periph_scale(m_periph, op.n, &cycles, op.acc);
    case Op::Sample:
        return periph_sample(m_periph, op.n, &cycles, op.acc);
    case Op::Norm:
        return periph_norm(m_periph, op.n, &cycles, op.acc);
    default:
        return ST_EINVAL;
    }
}

BusModule::BusModule(sc_core::sc_module_name name)
    : sc_module(name), target("target"), initiator("initiator")
{
    target.register_b_transport(this, &BusModule::b_transport);
}

void BusModule::b_transport(int, tlm::tlm_generic_payload &gp, sc_core::sc_time &delay)
{
    OpExt *op = nullptr;
    gp.get_extension(op);
    unsigned port = static_cast<unsigned>(gp.get_address());
    if (!op || port >= initiator.size()) {
        gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    m_stats.transports++;
    initiator[port]->b_transport(gp, delay);
}

} // namespace ns
