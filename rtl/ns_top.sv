// ns_top.sv - the timing reference of a neuspin chip: a controller per layer, the three
// shared resources behind their arbiters (global path = bus + global buffer, digital
// periphery, scale buffer port) and the cycle sequencer (ns_pkg.sv: RUN until settled,
// DECIDE, TICK).  The harness (harness/ns_harness.cpp) supplies each layer's operation
// stream (ns_fetch) and records each finished step (ns_tx).
module ns_top
  import ns_pkg::*;
(
    input  logic        clk,
    input  logic        rst,
    input  logic [31:0] n_layers,
    input  logic [31:0] bus_width_bits,
    input  logic [31:0] t_hop_cyc,
    input  logic [31:0] gbuf_word_bits,
    input  logic [31:0] gbuf_t_read_cyc,
    input  logic [31:0] gbuf_t_write_cyc,
    input  logic        arb_age,        // chip.arbitration: 0 static, 1 age
    input  logic [31:0] max_ahead,      // chip.max_passes_ahead
    input  logic [63:0] gbuf_bits,
    input  logic [63:0] pass_bits,
    input  logic [63:0] held_bits,
    output logic [63:0] cyc,
    output logic        finished
);
  phase_t      phase;
  logic [31:0] all_pass [NL];
  logic [31:0] all_rows [NL];
  logic [NL-1:0] act, dn, rq;
  logic [2:0]  rq_res [NL];
  logic [31:0] rq_val [NL];
  logic [NL-1:0] rq_wr;
  logic [NSHARED-1:0] busy;
  logic [NL-1:0] req_of [NSHARED];
  logic [NL-1:0] gnt_of [NSHARED];
  logic [NL-1:0] gnt;
  logic [31:0] gval [NSHARED];
  logic        gwr [NSHARED];
  logic [NSHARED-1:0] start;
  logic [31:0] last_pass;
  /* verilator lint_off UNUSEDSIGNAL */
  wire  [31:0] last = n_layers - 1;
  /* verilator lint_on UNUSEDSIGNAL */
  assign last_pass = all_pass[last[4:0]];

  for (genvar l = 0; l < NL; l++) begin : g_layer
    ns_layer_ctl #(.L(l)) ctl (
        .clk, .rst, .enable(32'(l) < n_layers), .phase, .cyc, .all_pass, .all_rows, .last_pass,
        .max_ahead, .gbuf_bits, .pass_bits, .held_bits,
        .res_busy(busy), .gnt(gnt[l]), .req(rq[l]), .req_res(rq_res[l]), .req_val(rq_val[l]),
        .req_write(rq_wr[l]), .active(act[l]), .done(dn[l]), .my_pass(all_pass[l]),
        .my_rows(all_rows[l]));
  end

  for (genvar r = 0; r < NSHARED; r++) begin : g_res
    always_comb
      for (int l = 0; l < NL; l++) req_of[r][l] = rq[l] && 32'(rq_res[l]) == r;
    ns_arbiter #(.N(NL)) arb (.age(arb_age), .req(req_of[r]), .pass(all_pass), .gnt(gnt_of[r]));
    always_comb begin
      gval[r] = 0;
      gwr[r]  = 0;
      for (int l = 0; l < NL; l++)
        if (gnt_of[r][l]) begin gval[r] = rq_val[l]; gwr[r] = rq_wr[l]; end
    end
    assign start[r] = phase == PH_DECIDE && !busy[r] && gnt_of[r] != 0;
  end

  always_comb begin
    gnt = '0;
    for (int r = 0; r < NSHARED; r++)
      if (start[r]) gnt = gnt | gnt_of[r];
  end

  ns_gpath gpath (.clk, .rst, .start(start[R_GBUF]), .tick(phase == PH_TICK), .bits(gval[R_GBUF]),
                  .write(gwr[R_GBUF]), .width_bits(bus_width_bits), .t_hop(t_hop_cyc),
                  .word_bits(gbuf_word_bits), .t_read(gbuf_t_read_cyc),
                  .t_write(gbuf_t_write_cyc), .busy(busy[R_GBUF]));
  ns_hold periph (.clk, .rst, .start(start[R_PERIPH]), .tick(phase == PH_TICK),
                  .cycles(gval[R_PERIPH]), .busy(busy[R_PERIPH]));
  ns_hold scale (.clk, .rst, .start(start[R_SCALE]), .tick(phase == PH_TICK),
                 .cycles(gval[R_SCALE]), .busy(busy[R_SCALE]));

  assign finished = phase == PH_RUN && act == '0 && dn == '1;

  always_ff @(posedge clk) begin
    if (rst) begin
      phase <= PH_RUN;
      cyc   <= 0;
    end else begin
      case (phase)
        PH_RUN:    if (act == '0) phase <= PH_DECIDE;
        PH_DECIDE: phase <= PH_TICK;
        default: begin phase <= PH_RUN; cyc <= cyc + 1; end
      endcase
    end
  end
endmodule
