// ns_drng_seq.sv - the sequencer of a layer's dropout modules (docs/timing.md, "Dropout
// draw"): each module serves `share` word-line pairs one after another, and for each pair
// pulses its MTJ: SET (t_set cycles), sense (t_sense), RESET (t_reset).  All modules run in
// parallel and identically, so one sequencer stands for them.  A mask expansion (wiring)
// takes no cycle.  The step's operations run one after another.  Counted edge by edge as
// in ns_tile_ctl.sv.
module ns_drng_seq
  import ns_pkg::*;
(
    input  logic        clk,
    input  logic        rst,
    input  logic        start,
    input  logic        tick,
    input  desc_t       desc,
    input  logic [31:0] t_set,
    input  logic [31:0] t_sense,
    input  logic [31:0] t_reset,
    output logic        idle,
    output logic        settled
);
  typedef enum logic [2:0] { D_IDLE, D_OP, D_PAIR, D_SET, D_SENSE, D_RESET } st_t;
  st_t         st;
  desc_t       d;
  logic [2:0]  i;
  logic [31:0] left, pairs_left;
  assign idle    = st == D_IDLE;
  assign settled = st == D_IDLE || left != 0;
  always_ff @(posedge clk) begin
    if (rst) begin
      st <= D_IDLE; d <= '0; i <= 0; left <= 0; pairs_left <= 0;
    end else if (start) begin
      st <= D_OP; d <= desc; i <= 0; left <= 0;
    end else if (st != D_IDLE && stage_ends(tick, left)) begin
      left <= 0; // the stage ends (its last cycle at a TICK): the next one is chosen
      case (st)
        D_OP:
          if (i == d.nops) st <= D_IDLE;
          else begin
            pairs_left <= d.op[i[1:0]].kind == K_DRAW ? d.op[i[1:0]].n : 0; // EXPAND: wiring
            i          <= i + 1;
            st         <= D_PAIR;
          end
        D_PAIR:
          if (pairs_left == 0) st <= D_OP;
          else begin pairs_left <= pairs_left - 1; left <= t_set; st <= D_SET; end
        D_SET:   begin left <= t_sense; st <= D_SENSE; end
        D_SENSE: begin left <= t_reset; st <= D_RESET; end
        D_RESET: st <= D_PAIR;
        default: st <= D_IDLE;
      endcase
    end else if (tick && left != 0) left <= left - 1;
  end
endmodule
