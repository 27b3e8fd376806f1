// ns_arb_seq.sv - the SpinBayes arbiter of a layer (docs/timing.md, "Arbiter pick"): a pick
// draws b = ceil(log2 k) random bits per try, one bit every t_bit cycles, and tries again
// while the value is not below k (rejection keeps the k crossbar copies equally likely).
// Which try succeeds is random: the number of tries comes with the operation (SELECT: n
// tries); the bits and their cycles are counted here, edge by edge.
module ns_arb_seq
  import ns_pkg::*;
(
    input  logic        clk,
    input  logic        rst,
    input  logic        start,
    input  logic        tick,
    input  desc_t       desc,
    input  logic [31:0] b,          // bits per try: ceil(log2 k) (ns_top.sv)
    input  logic [31:0] t_bit,
    output logic        idle,
    output logic        settled
);
  typedef enum logic [2:0] { A_IDLE, A_OP, A_TRY, A_BIT } st_t;
  st_t         st;
  desc_t       d;
  logic [2:0]  i;
  logic [31:0] left, tries_left, bits_left;
  assign idle    = st == A_IDLE;
  assign settled = st == A_IDLE || left != 0;
  always_ff @(posedge clk) begin
    if (rst) begin
      st <= A_IDLE; d <= '0; i <= 0; left <= 0; tries_left <= 0; bits_left <= 0;
    end else if (start) begin
      st <= A_OP; d <= desc; i <= 0; left <= 0;
    end else if (st != A_IDLE && stage_ends(tick, left)) begin
      left <= 0; // the stage ends (its last cycle at a TICK): the next one is chosen
      case (st)
        A_OP:
          if (i == d.nops) st <= A_IDLE;
          else begin
            tries_left <= d.op[i[1:0]].kind == K_SELECT ? d.op[i[1:0]].n : 0;
            i          <= i + 1;
            st         <= A_TRY;
          end
        A_TRY:
          if (tries_left == 0) st <= A_OP;
          else begin tries_left <= tries_left - 1; bits_left <= b; st <= A_BIT; end
        A_BIT:
          if (bits_left == 0) st <= A_TRY;
          else begin bits_left <= bits_left - 1; left <= t_bit; end
        default: st <= A_IDLE;
      endcase
    end else if (tick && left != 0) left <= left - 1;
  end
endmodule
