// ext.h - the TLM-2.0 extension that carries a neuspin operation on a generic payload.
//
// The generic payload's address selects the target behind the router (its port index); its
// data pointer carries the dropout mask (DRAW fills it, MVM reads it).  The extension says
// what to do and where the model adds its action counts.  A global-buffer Read or Write goes
// through the TLM library's nstlm::Bus instead (sim/tlm): a READ or WRITE of ceil(n / 8)
// bytes at address 0 with nstlm::InfoExt (exact bits, age key = pass, action counts)
// beside this extension, which the bus passes through untouched.
#ifndef NS_SIM_EXT_H
#define NS_SIM_EXT_H

#include <cstdint>
#include <tlm>

#include "energy.h"

namespace ns
{

enum class Op : uint8_t {
    Mvm,      // tile: one matrix-vector read of a slice
    Draw,     // dropout bank: draw the mask of one input vector
    Read,     // buffer: read n bits
    Write,    // buffer: write n bits
    Reduce,   // periphery: adder tree over n_partials partial sums of `cols` outputs
    Activate, // periphery: n sign/threshold activations
    Pool,     // periphery: n outputs over windows of `window`
    Add,      // periphery: n residual additions
    Expand,   // dropout bank: row mask of vector `mvm` from the pass's unit mask (`units`)
    Select,   // arbiter: one-hot selection of a crossbar set for pass `pass` (-> sel)
    Scale,    // periphery: n scale multiplications
    Sample,   // periphery: n scale samples mu + sigma * eps
    Norm      // periphery: affine + inverted normalization of n outputs
};

struct OpExt : tlm::tlm_extension<OpExt> {
    Op op = Op::Read;
    uint64_t line_bits = 0; // Read: window bits then read from the line buffer (0: none)
    uint32_t pass = 0;
    uint32_t mvm = 0;
    uint32_t row_off = 0; // Mvm: slice
    uint32_t rows = 0;
    uint32_t cols = 0;               // Mvm: columns; Reduce: outputs
    uint32_t n_partials = 0;         // Reduce
    uint32_t window = 0;             // Pool
    uint64_t n = 0;                  // Read/Write: bits; Activate/Add/Pool: elements
    uint32_t dropped = 0;            // Draw, Expand: undriven rows / dropped units (result)
    uint32_t sel = 0;                // Select: result
    const uint64_t *units = nullptr; // Expand: the pass's unit mask; Mvm: DropConnect weights
    uint32_t col_off = 0;            // Mvm: first column of the slice (weight-mask index)
    uint32_t wcols = 0;              // Mvm: columns of the layer (weight-mask stride)
    uint32_t cell_mtjs = 0;          // Mvm: MTJs per weight cell (multi-level cells)
    act_counts_t *acc = nullptr;     // where the model adds its actions
    int status = 0;                  // ST_* returned by the model

    tlm::tlm_extension_base *clone() const override { return new OpExt(*this); }
    void copy_from(const tlm::tlm_extension_base &e) override
    {
        *this = static_cast<const OpExt &>(e);
    }
};

} // namespace ns

#endif
