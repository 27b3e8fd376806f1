// ns_top.sv - the timing reference of a neuspin chip: a controller per layer (with the
// layer's own tiles, dropout modules and arbiter), the three shared resources behind their
// arbiters (global path = bus + global buffer, digital periphery lanes, scale buffer port)
// and the cycle sequencer (ns_pkg.sv: RUN until settled, DECIDE, SETTLE the blocks just
// granted, TICK).  The harness (harness/ns_harness.cpp) supplies each layer's operation
// stream (ns_fetch) and records each finished step (ns_tx).
module ns_top
  import ns_pkg::*;
(
    input  logic        clk,
    input  logic        rst,
    input  logic [31:0] n_layers,
    input  logic [31:0] bus_width_bits,
    input  logic [31:0] t_hop_cyc,
    input  logic        bus_overlap,  // beats and buffer words together (bus.overlap)
    input  logic [31:0] gbuf_word_bits,
    input  logic [31:0] gbuf_t_read_cyc,
    input  logic [31:0] gbuf_t_write_cyc,
    input  logic        arb_age,        // chip.arbitration: 0 static, 1 age
    input  logic [31:0] max_ahead,      // chip.max_passes_ahead
    input  logic [63:0] gbuf_bits,
    input  logic [63:0] pass_bits,
    input  logic [63:0] held_bits,
    // tiles: crossbar columns, xbar.max_active_rows, senseamp.cols_per_sa and psum_bits,
    // the decode, array read and comparison cycles
    input  logic [31:0] xbar_cols,
    input  logic [31:0] max_active_rows,
    input  logic [31:0] cols_per_sa,
    input  logic [31:0] psum_bits,
    input  logic [31:0] t_decode_cyc,
    input  logic [31:0] t_read_cyc,
    input  logic [31:0] t_sense_cyc,
    // periphery, scale buffer, dropout modules, SpinBayes arbiter
    input  logic [31:0] lanes,
    input  logic [31:0] t_add_cyc,
    input  logic [31:0] t_act_cyc,
    input  logic [31:0] t_pool_cyc,
    input  logic [31:0] t_mul_cyc,
    input  logic [31:0] sbuf_word_bits,
    input  logic [31:0] sbuf_t_read_cyc,
    input  logic [31:0] sbuf_t_write_cyc,
    input  logic [31:0] t_set_cyc,
    input  logic [31:0] t_dsense_cyc,
    input  logic [31:0] t_reset_cyc,
    input  logic [31:0] arb_k,
    input  logic [31:0] t_bit_cyc,
    output logic [63:0] cyc,
    output logic        finished
);
  // The configuration, registered at reset: constant while the reference runs, so no logic
  // downstream is re-evaluated when the harness drives the clock.
  logic [31:0] n_layers_q;
  logic [31:0] bus_width_bits_q;
  logic [31:0] t_hop_cyc_q;
  logic        bus_overlap_q;
  logic [31:0] gbuf_word_bits_q;
  logic [31:0] gbuf_t_read_cyc_q;
  logic [31:0] gbuf_t_write_cyc_q;
  logic arb_age_q;
  logic [31:0] max_ahead_q;
  logic [63:0] gbuf_bits_q;
  logic [63:0] pass_bits_q;
  logic [63:0] held_bits_q;
  logic [31:0] xbar_cols_q;
  logic [31:0] max_active_rows_q;
  logic [31:0] cols_per_sa_q;
  logic [31:0] psum_bits_q;
  logic [31:0] t_decode_cyc_q;
  logic [31:0] t_read_cyc_q;
  logic [31:0] t_sense_cyc_q;
  logic [31:0] lanes_q;
  logic [31:0] t_add_cyc_q;
  logic [31:0] t_act_cyc_q;
  logic [31:0] t_pool_cyc_q;
  logic [31:0] t_mul_cyc_q;
  logic [31:0] sbuf_word_bits_q;
  logic [31:0] sbuf_t_read_cyc_q;
  logic [31:0] sbuf_t_write_cyc_q;
  logic [31:0] t_set_cyc_q;
  logic [31:0] t_dsense_cyc_q;
  logic [31:0] t_reset_cyc_q;
  logic [31:0] arb_k_q;
  logic [31:0] t_bit_cyc_q;
  always_ff @(posedge clk)
    if (rst) begin
      n_layers_q <= n_layers;
      bus_width_bits_q <= bus_width_bits;
      t_hop_cyc_q <= t_hop_cyc;
      bus_overlap_q <= bus_overlap;
      gbuf_word_bits_q <= gbuf_word_bits;
      gbuf_t_read_cyc_q <= gbuf_t_read_cyc;
      gbuf_t_write_cyc_q <= gbuf_t_write_cyc;
      arb_age_q <= arb_age;
      max_ahead_q <= max_ahead;
      gbuf_bits_q <= gbuf_bits;
      pass_bits_q <= pass_bits;
      held_bits_q <= held_bits;
      xbar_cols_q <= xbar_cols;
      max_active_rows_q <= max_active_rows;
      cols_per_sa_q <= cols_per_sa;
      psum_bits_q <= psum_bits;
      t_decode_cyc_q <= t_decode_cyc;
      t_read_cyc_q <= t_read_cyc;
      t_sense_cyc_q <= t_sense_cyc;
      lanes_q <= lanes;
      t_add_cyc_q <= t_add_cyc;
      t_act_cyc_q <= t_act_cyc;
      t_pool_cyc_q <= t_pool_cyc;
      t_mul_cyc_q <= t_mul_cyc;
      sbuf_word_bits_q <= sbuf_word_bits;
      sbuf_t_read_cyc_q <= sbuf_t_read_cyc;
      sbuf_t_write_cyc_q <= sbuf_t_write_cyc;
      t_set_cyc_q <= t_set_cyc;
      t_dsense_cyc_q <= t_dsense_cyc;
      t_reset_cyc_q <= t_reset_cyc;
      arb_k_q <= arb_k;
      t_bit_cyc_q <= t_bit_cyc;
    end
  phase_t      phase;
  logic [31:0] all_pass [NL];
  logic [31:0] all_rows [NL];
  logic [NL-1:0] act, dn, rq, lset;
  logic [2:0]  rq_res [NL];
  logic [31:0] rq_val [NL];
  desc_t       rq_desc [NL];
  logic [NL-1:0] rq_wr;
  logic [NSHARED-1:0] busy, rset;
  logic [31:0] rcnt [NSHARED];
  logic [NL-1:0] req_of [NSHARED];
  logic [NL-1:0] gnt_of [NSHARED];
  logic [NL-1:0] gnt;
  logic [31:0] gval [NSHARED];
  desc_t       gdesc [NSHARED];
  logic        gwr [NSHARED];
  logic [4:0]  widx [NSHARED];
  logic [NSHARED-1:0] start;
  logic [31:0] last_pass;
  /* verilator lint_off UNUSEDSIGNAL */
  wire  [31:0] last = n_layers_q - 1;
  /* verilator lint_on UNUSEDSIGNAL */
  assign last_pass = all_pass[last[4:0]];
  // sense amplifiers of a tile: its columns, cols_per_sa to an amplifier (the mux width)
  wire  [31:0] n_sa = (xbar_cols_q + cols_per_sa_q - 1) / cols_per_sa_q;
  wire         tick = phase == PH_TICK;
  // the arbiter's bits per pick try: the bit length of k - 1 (ceil(log2 k))
  logic [31:0] arb_b;
  always_comb begin
    arb_b = 0;
    for (int j = 0; j < 32; j++)
      if (arb_k_q > 1 && ((arb_k_q - 1) >> j) != 0) arb_b = 32'(j + 1);
  end

  for (genvar l = 0; l < NL; l++) begin : g_layer
    ns_layer_ctl #(.L(l)) ctl (
        .clk, .rst, .enable(32'(l) < n_layers_q), .phase, .cyc, .all_pass, .all_rows, .last_pass,
        .max_ahead(max_ahead_q), .gbuf_bits(gbuf_bits_q), .pass_bits(pass_bits_q), .held_bits(held_bits_q), .res_busy(busy), .res_cnt(rcnt),
        .gnt(gnt[l]), .max_active(max_active_rows_q), .n_sa, .t_decode(t_decode_cyc_q),
        .t_read(t_read_cyc_q), .psum_bits(psum_bits_q), .t_sense(t_sense_cyc_q), .t_set(t_set_cyc_q),
        .t_dsense(t_dsense_cyc_q), .t_reset(t_reset_cyc_q), .arb_b, .t_bit(t_bit_cyc_q),
        .req(rq[l]), .req_res(rq_res[l]), .req_val(rq_val[l]), .req_write(rq_wr[l]),
        .req_desc(rq_desc[l]), .active(act[l]), .settled(lset[l]), .done(dn[l]),
        .my_pass(all_pass[l]), .my_rows(all_rows[l]));
  end

  for (genvar r = 0; r < NSHARED; r++) begin : g_res
    always_comb
      for (int l = 0; l < NL; l++) req_of[r][l] = rq[l] && 32'(rq_res[l]) == r;
    ns_arbiter #(.N(NL)) arb (.age(arb_age_q), .req(req_of[r]), .pass(all_pass), .gnt(gnt_of[r]));
    always_comb begin // the winner's operands
      widx[r] = 0;
      for (int l = 0; l < NL; l++)
        if (gnt_of[r][l]) widx[r] = 5'(l);
    end
    assign gval[r]  = rq_val[widx[r]];
    assign gwr[r]   = rq_wr[widx[r]];
    assign gdesc[r] = rq_desc[widx[r]];
    assign start[r] = phase == PH_DECIDE && !busy[r] && gnt_of[r] != 0;
  end

  always_comb begin
    gnt = '0;
    for (int r = 0; r < NSHARED; r++)
      if (start[r]) gnt = gnt | gnt_of[r];
  end

  ns_gpath gpath (.clk, .rst, .start(start[R_GBUF]), .tick, .bits(gval[R_GBUF]),
                  .write(gwr[R_GBUF]), .width_bits(bus_width_bits_q), .t_hop(t_hop_cyc_q), .overlap(bus_overlap_q),
                  .word_bits(gbuf_word_bits_q), .t_read(gbuf_t_read_cyc_q),
                  .t_write(gbuf_t_write_cyc_q), .busy(busy[R_GBUF]), .counted(rcnt[R_GBUF]));
  assign rset[R_GBUF] = 1'b1; // loads its counters at the grant
  ns_lanes periph (.clk, .rst, .start(start[R_PERIPH]), .tick, .desc(gdesc[R_PERIPH]), .lanes(lanes_q),
                   .t_add(t_add_cyc_q), .t_act(t_act_cyc_q), .t_pool(t_pool_cyc_q), .t_mul(t_mul_cyc_q),
                   .busy(busy[R_PERIPH]), .settled(rset[R_PERIPH]), .counted(rcnt[R_PERIPH]));
  ns_sbuf_port scale (.clk, .rst, .start(start[R_SCALE]), .tick, .desc(gdesc[R_SCALE]),
                      .word_bits(sbuf_word_bits_q), .t_read(sbuf_t_read_cyc_q),
                      .t_write(sbuf_t_write_cyc_q), .busy(busy[R_SCALE]), .settled(rset[R_SCALE]),
                      .counted(rcnt[R_SCALE]));

  wire all_settled = &lset && &rset;
  assign finished = phase == PH_RUN && act == '0 && dn == '1 && all_settled;

  always_ff @(posedge clk) begin
    if (rst) begin
      phase <= PH_RUN;
      cyc   <= 0;
    end else begin
      case (phase)
        PH_RUN:    if (act == '0 && all_settled) phase <= PH_DECIDE;
        PH_DECIDE: phase <= start != 0 ? PH_SETTLE : PH_TICK;
        PH_SETTLE: if (all_settled) phase <= PH_TICK;
        default: begin phase <= PH_RUN; cyc <= cyc + 1; end
      endcase
    end
  end
endmodule
