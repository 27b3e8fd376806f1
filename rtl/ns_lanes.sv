// ns_lanes.sv - the digital periphery (docs/timing.md, "Periphery"): `lanes` parallel units
// work through an operation's n elements in rounds of `lanes` (the last round partly
// filled).  Per round:
//   REDUCE  the adder tree over arg partial sums: one level of t_add per halving of the
//           operands until one is left (ceil(log2 arg) levels; none for one partial sum)
//   POOL    arg - 1 comparisons (or additions) of t_pool over the window
//   ACT     t_act      ADD  t_add      SCALE  t_mul
//   SAMPLE  t_mul then t_add (mu + sigma x eps)
//   NORM    t_mul then t_add, in two sweeps over all the rounds (statistics, then apply)
// The step's operations run one after another under one grant; the step holds the
// periphery at least one cycle.  Counted edge by edge as in ns_tile_ctl.sv; `counted` is the
// cycles of the operations (without the one-cycle minimum).
module ns_lanes
  import ns_pkg::*;
(
    input  logic        clk,
    input  logic        rst,
    input  logic        start,      // at the decision phase
    input  logic        tick,
    input  desc_t       desc,
    input  logic [31:0] lanes,
    input  logic [31:0] t_add,
    input  logic [31:0] t_act,
    input  logic [31:0] t_pool,
    input  logic [31:0] t_mul,
    output logic        busy,
    output logic        settled,
    output logic [31:0] counted
);
  typedef enum logic [2:0] { P_IDLE, P_OP, P_ROUND, P_A, P_B, P_PAD } st_t;
  st_t         st;
  desc_t       d;
  logic [2:0]  i;
  logic [3:0]  kind;
  logic [31:0] left, elems, n_q, sub, sweeps;
  op_t         cur;
  logic [31:0] a_len, sub0, sub_next;
  logic        has_b;
  assign cur = d.op[i[1:0]];
  always_comb begin // the current operation's per-round stages
    case (kind)
      K_REDUCE: a_len = t_add;
      K_POOL:   a_len = t_pool;
      K_ACT:    a_len = t_act;
      K_ADD:    a_len = t_add;
      default:  a_len = t_mul; // SCALE, SAMPLE, NORM
    endcase
    has_b    = kind == K_SAMPLE || kind == K_NORM;
    // stage A repeats while sub > 1: the adder tree halves its operands, the pooling
    // window loses one input per comparison, every other kind runs it once
    sub_next = kind == K_REDUCE ? (sub >> 1) + 32'(sub[0]) : sub - 1;
    sub0     = 2;
  end
  assign busy    = st != P_IDLE;
  assign settled = st == P_IDLE || left != 0;
  always_ff @(posedge clk) begin
    if (rst) begin
      st <= P_IDLE; d <= '0; i <= 0; kind <= 0; left <= 0; elems <= 0; n_q <= 0; sub <= 0;
      sweeps <= 0; counted <= 0;
    end else if (start) begin
      st <= P_OP; d <= desc; i <= 0; left <= 0; counted <= 0;
    end else if (st != P_IDLE && stage_ends(tick, left)) begin
      left <= 0; // the stage ends (its last cycle at a TICK): the next one is chosen
      case (st)
        P_OP:
          if (32'(i) == 32'(d.nops)) begin
            if (counted == 0) begin left <= 1; st <= P_PAD; end // at least one cycle
            else st <= P_IDLE;
          end else begin
            kind   <= cur.kind;
            elems  <= cur.n;
            n_q    <= cur.n;
            sweeps <= cur.kind == K_NORM ? 2 : 1;
            st     <= P_ROUND;
          end
        P_ROUND:
          if (elems == 0) begin
            if (sweeps > 1) begin sweeps <= sweeps - 1; elems <= n_q; end
            else begin i <= i + 1; st <= P_OP; end
          end else begin // the next `lanes` elements enter the units
            elems <= elems > lanes ? elems - lanes : 0;
            sub   <= kind == K_REDUCE || kind == K_POOL ? 32'(cur.arg) : sub0;
            st    <= P_A;
          end
        P_A:
          if (sub > 1) begin
            sub     <= sub_next;
            left    <= a_len;
            counted <= counted + a_len;
          end else if (has_b) begin
            left    <= t_add;
            counted <= counted + t_add;
            st      <= P_B;
          end else st <= P_ROUND;
        P_B:   st <= P_ROUND;
        P_PAD: st <= P_IDLE;
        default: st <= P_IDLE;
      endcase
    end else if (tick && left != 0) left <= left - 1;
  end
endmodule
