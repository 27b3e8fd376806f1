/* energy.c - the action table and counts x energy sums (the Accelergy ERT split).
 * Models count actions; this file alone turns counts into picojoules. */
#include "energy.h"

#include <string.h>

#include "base/status.h"

/* One row per act_t, in enum order; the key is always "e_" + name + "_pj". */
static const act_desc_t act_descs[ACT_COUNT] = {
    [ACT_XBAR_CELL_READ] = {"xbar_cell_read", "e_xbar_cell_read_pj", COMP_XBAR,
                            "one conducting 1t-1mtj cell biased for one clock cycle"},
    [ACT_XBAR_CELL_WRITE] = {"xbar_cell_write", "e_xbar_cell_write_pj", COMP_XBAR,
                             "programming one crossbar cell"},
    [ACT_WLDEC_DECODE] = {"wldec_decode", "e_wldec_decode_pj", COMP_WLDEC,
                          "one multi-row word-line decode"},
    [ACT_SA_SENSE] = {"sa_sense", "e_sa_sense_pj", COMP_SA,
                      "one partial-sum conversion of psum_bits bits"},
    [ACT_DRNG_SET] = {"drng_set", "e_drng_set_pj", COMP_DRNG,
                      "one set pulse through a dropout mtj's heavy metal"},
    [ACT_DRNG_SENSE] = {"drng_sense", "e_drng_sense_pj", COMP_DRNG,
                        "one read of a dropout mtj's state"},
    [ACT_DRNG_RESET] = {"drng_reset", "e_drng_reset_pj", COMP_DRNG,
                        "one reset pulse back to the parallel state"},
    [ACT_ARB_BIT] = {"arb_bit", "e_arb_bit_pj", COMP_ARB,
                     "one random bit drawn inside a stochastic arbiter"},
    [ACT_SBUF_READ_BIT] = {"sbuf_read_bit", "e_sbuf_read_bit_pj", COMP_SBUF,
                           "one bit read from the global buffer"},
    [ACT_SBUF_WRITE_BIT] = {"sbuf_write_bit", "e_sbuf_write_bit_pj", COMP_SBUF,
                            "one bit written to the global buffer"},
    [ACT_ADD] = {"add", "e_add_pj", COMP_DIGITAL, "one partial-sum or residual addition"},
    [ACT_ACT] = {"act", "e_act_pj", COMP_DIGITAL, "one sign/threshold activation"},
    [ACT_POOL] = {"pool", "e_pool_pj", COMP_DIGITAL, "one pooling comparison or addition"},
    [ACT_MUL] = {"mul", "e_mul_pj", COMP_DIGITAL,
                 "one scale multiplication (scaledrop, subset vi, normalization)"},
    [ACT_BUS_BIT] = {"bus_bit", "e_bus_bit_pj", COMP_BUS, "one bit moved over the interconnect"},
    [ACT_WLDEC_WL_CHARGE] = {"wldec_wl_charge", "e_wldec_wl_charge_pj", COMP_WLDEC,
                             "one word line charged to its drive voltage"},
    [ACT_SA_MUX] = {"sa_mux", "e_sa_mux_pj", COMP_SA,
                    "one column switched onto a shared sense amplifier"},
    [ACT_SA_SAMPLE] = {"sa_sample", "e_sa_sample_pj", COMP_SA,
                       "one bit-line voltage sampled and held"},
    [ACT_LBUF_READ_BIT] = {"lbuf_read_bit", "e_lbuf_read_bit_pj", COMP_SBUF,
                           "one bit of a conv window read from the line buffer"},
    [ACT_SCALE_READ_BIT] = {"scale_read_bit", "e_scale_read_bit_pj", COMP_SBUF,
                            "one bit read from the scale buffer"},
    [ACT_SCALE_WRITE_BIT] = {"scale_write_bit", "e_scale_write_bit_pj", COMP_SBUF,
                             "one bit written to the scale buffer"},
};

static const char *const comp_names[COMP_COUNT] = {
    [COMP_XBAR] = "xbar",       [COMP_WLDEC] = "wldec", [COMP_SA] = "sa",
    [COMP_DRNG] = "drng",       [COMP_ARB] = "arb",     [COMP_SBUF] = "sbuf",
    [COMP_DIGITAL] = "digital", [COMP_BUS] = "bus",     [COMP_LEAK] = "leak",
};

const act_desc_t *act_desc(act_t a)
{
    SIM_ASSERT((unsigned)a < ACT_COUNT);
    return &act_descs[a];
}

const char *comp_name(comp_t c)
{
    SIM_ASSERT((unsigned)c < COMP_COUNT);
    return comp_names[c];
}

void act_counts_clear(act_counts_t *c)
{
    memset(c, 0, sizeof *c);
}

void act_counts_add(act_counts_t *dst, const act_counts_t *src)
{
    for (unsigned i = 0; i < ACT_COUNT; i++)
        dst->n[i] += src->n[i];
}

double en_total_pj(const en_table_t *t, const act_counts_t *c)
{
    double sum = 0.0;
    for (unsigned i = 0; i < ACT_COUNT; i++)
        sum += t->e_pj[i] * (double)c->n[i];
    return sum;
}

void en_by_comp_pj(const en_table_t *t, const act_counts_t *c, double out_pj[COMP_COUNT])
{
    for (unsigned k = 0; k < COMP_COUNT; k++)
        out_pj[k] = 0.0;
    for (unsigned i = 0; i < ACT_COUNT; i++)
        out_pj[act_descs[i].comp] += t->e_pj[i] * (double)c->n[i];
}
