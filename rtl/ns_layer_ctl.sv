// ns_layer_ctl.sv - the controller of one layer: it fetches the layer's operation stream,
// runs it by the rules of docs/timing.md, and owns the layer's own blocks: the tile
// controllers (ns_tile_ctl.sv, one per distinct slice shape, read in parallel), the
// dropout-module sequencer (ns_drng_seq.sv) and the SpinBayes arbiter (ns_arb_seq.sv).
//
//   FETCH --WAIT met / PASS gate open / ROWDONE / SKIP--> FETCH (zero time)
//   FETCH --STEP--> ARGS (its operand words, zero time)
//   ARGS  --own tiles, dropout or arbiter--> LOCAL --the block is idle--> JOIN
//   ARGS  --the same, overlapping the next step--> FETCH (the block runs on)
//   ARGS  --shared resource--> REQ --grant--> HOLD --resource free--> JOIN
//   JOIN  --the overlapping step (if any) has ended--> FETCH
//   FETCH --END--> DONE
// A step of its own blocks starts at once and lasts what the block counts (0 allowed); a
// shared step waits for its arbiter's grant and holds the resource for what that block
// counts.  Every finished step is reported with its request, grant and release cycle and
// the cycles its block counted (ns_tx).
module ns_layer_ctl
  import ns_pkg::*;
#(parameter int L = 0) (
    input  logic        clk,
    input  logic        rst,
    input  logic        enable,     // the network has this layer
    input  phase_t      phase,
    input  logic [63:0] cyc,
    input  logic [31:0] all_pass [NL],
    input  logic [31:0] all_rows [NL],
    input  logic [31:0] last_pass,  // passes the network's last layer has finished
    input  logic [31:0] max_ahead,  // chip.max_passes_ahead (0: unbounded)
    input  logic [63:0] gbuf_bits,  // global buffer capacity
    input  logic [63:0] pass_bits,  // one pass's live activations at most
    input  logic [63:0] held_bits,  // the reused prefix's outputs, held across passes
    input  logic [NSHARED-1:0] res_busy,
    input  logic [31:0] res_cnt [NSHARED], // cycles the shared block counted for its holder
    input  logic        gnt,        // this layer's request won at the decision phase
    // the layer's own blocks' parameters
    input  logic [31:0] max_active, n_sa, t_decode, t_read, psum_bits, t_sense,
    input  logic [31:0] t_set, t_dsense, t_reset, arb_b, t_bit,
    output logic        req,
    output logic [2:0]  req_res,
    output logic [31:0] req_val,
    output logic        req_write,
    output desc_t       req_desc,
    output logic        active,     // has zero-time work left in this cycle
    output logic        settled,    // its blocks have settled in this cycle
    output logic        done,
    output logic [31:0] my_pass,
    output logic [31:0] my_rows
);
  import "DPI-C" function longint unsigned ns_fetch(input int layer, input int pc);
  import "DPI-C" function void ns_tx(input int layer, input int pc, input longint unsigned rq,
                                     input longint unsigned gr, input longint unsigned rl,
                                     input longint unsigned dur);

  typedef enum logic [2:0] { S_FETCH, S_ARGS, S_LOCAL, S_REQ, S_HOLD, S_JOIN, S_DONE } state_t;
  state_t      st;
  logic [31:0] pc, tag;
  logic [63:0] t_req, t_grant;
  logic        ov_on, ov_ended;     // an overlapping step runs / has ended (not yet joined)
  logic [2:0]  ov_res;
  logic [31:0] ov_tag;
  logic [63:0] ov_start, ov_end;
  logic [63:0] ins;
  logic [2:0]  args_left;
  logic [1:0]  ai;                  // the operand word being read
  desc_t       d;

  always_comb ins = (enable && (st == S_FETCH || st == S_ARGS)) ? ns_fetch(L, pc) : 64'd0;

  wire [3:0]  op     = ins[63:60];
  /* verilator lint_off UNUSEDSIGNAL */
  wire [5:0]  w_lay  = ins[59:54]; // layer 32 and up: refused by the harness
  /* verilator lint_on UNUSEDSIGNAL */
  wire [21:0] w_pass = ins[53:32];
  wire [31:0] w_rows = ins[31:0];
  wire [2:0]  s_res  = ins[59:57];
  wire        s_ovl  = ins[56];
  wire        s_wr   = ins[55];
  wire [2:0]  s_narg = ins[54:52];
  wire [31:0] s_val  = ins[31:0];
  wire        w_met  = all_pass[w_lay[4:0]] > 32'(w_pass) ||
                       (all_pass[w_lay[4:0]] == 32'(w_pass) && all_rows[w_lay[4:0]] >= w_rows);
  // the pass gate: passes in flight are last_pass .. pass_q
  wire [63:0] ahead  = 64'(pass_q) - 64'(last_pass);
  wire        g_open = pass_q <= last_pass ||
                       ((max_ahead == 0 || ahead <= 64'(max_ahead)) &&
                        (ahead + 1) * pass_bits + held_bits <= gbuf_bits);

  logic [2:0]  s_res_q;
  logic [31:0] s_val_q, pass_q, rows_q;
  logic        s_wr_q, s_ovl_q;
  assign req       = st == S_REQ;
  assign req_res   = s_res_q;
  assign req_val   = s_val_q;
  assign req_write = s_wr_q;
  assign req_desc  = d;
  assign done      = st == S_DONE;
  assign my_pass   = pass_q;
  assign my_rows   = rows_q;

  // ---- the layer's own blocks ----
  wire dispatch = phase == PH_RUN && st == S_ARGS && args_left == 0;
  logic [NTILE-1:0] t_idle, t_settled;
  logic d_idle, d_settled, a_idle, a_settled;
  for (genvar j = 0; j < NTILE; j++) begin : g_tile
    ns_tile_ctl tile (
        .clk, .rst, .start(dispatch && 32'(s_res_q) == R_TILES && 32'(d.nops) > j),
        .tick(phase == PH_TICK), .rows(32'(d.op[j].arg)), .cols(d.op[j].n), .max_active, .n_sa,
        .t_decode, .t_read, .psum_bits, .t_sense, .idle(t_idle[j]), .settled(t_settled[j]));
  end
  ns_drng_seq drng (.clk, .rst, .start(dispatch && 32'(s_res_q) == R_DRNG),
                    .tick(phase == PH_TICK), .desc(d), .t_set, .t_sense(t_dsense), .t_reset,
                    .idle(d_idle), .settled(d_settled));
  ns_arb_seq arb (.clk, .rst, .start(dispatch && 32'(s_res_q) == R_ARB), .tick(phase == PH_TICK),
                  .desc(d), .b(arb_b), .t_bit, .idle(a_idle), .settled(a_settled));
  assign settled = &t_settled && d_settled && a_settled;
  function automatic logic blk_idle(input logic [2:0] r);
    case (32'(r))
      R_TILES: blk_idle = &t_idle;
      R_DRNG:  blk_idle = d_idle;
      default: blk_idle = a_idle;
    endcase
  endfunction
  wire ov_idle = blk_idle(ov_res);
  wire ov_ok   = !ov_on || ov_ended;

  logic go; // the state's zero-time move is due
  always_comb begin
    case (st)
      S_FETCH: go = enable && (op != OP_WAIT || w_met) && (op != OP_PASS || g_open);
      S_ARGS:  go = 1'b1;
      S_LOCAL: go = blk_idle(s_res_q);
      S_HOLD:  go = !res_busy[s_res_q[1:0]];
      S_JOIN:  go = ov_ok;
      default: go = 1'b0;
    endcase
  end
  assign active = go || (ov_on && !ov_ended && ov_idle); // or the overlapping step's end

  always_ff @(posedge clk) begin
    if (rst) begin
      st <= enable ? S_FETCH : S_DONE;
      pc <= 0; tag <= 0; t_req <= 0; t_grant <= 0; args_left <= 0; ai <= 0; d <= '0;
      ov_on <= 0; ov_ended <= 0; ov_res <= 0; ov_tag <= 0; ov_start <= 0; ov_end <= 0;
      s_res_q <= 0; s_val_q <= 0; s_wr_q <= 0; s_ovl_q <= 0; pass_q <= 0; rows_q <= 0;
    end else begin
      if (phase == PH_DECIDE && st == S_REQ && gnt) begin
        st      <= S_HOLD;
        t_grant <= cyc;
      end
      if (phase == PH_RUN && ov_on && !ov_ended && ov_idle) begin
        ov_end   <= cyc;
        ov_ended <= 1;
      end
      if (phase == PH_RUN && go) begin
        case (st)
          S_FETCH: begin
            case (op)
              OP_END: st <= S_DONE;
              OP_WAIT: pc <= pc + 1;
              OP_PASS: pc <= pc + 1;
              OP_SKIP: begin pass_q <= pass_q + 1; rows_q <= 0; pc <= pc + 1; end
              OP_ROWDONE: begin
                if (rows_q + 1 == w_rows) begin pass_q <= pass_q + 1; rows_q <= 0; end
                else rows_q <= rows_q + 1;
                pc <= pc + 1;
              end
              OP_STEP: begin
                tag <= pc; t_req <= cyc; s_res_q <= s_res; s_val_q <= s_val; s_wr_q <= s_wr;
                s_ovl_q <= s_ovl; args_left <= s_narg; ai <= 0; d <= '{nops: s_narg, op: '0};
                pc <= pc + 1;
                st <= S_ARGS;
              end
              default: st <= S_DONE; // not in the stream format: stops (the harness reports)
            endcase
          end
          S_ARGS:
            if (args_left != 0) begin // the next operand word
              if (op != OP_ARG) st <= S_DONE; // malformed stream: stops (the harness reports)
              d.op[ai] <= '{kind: ins[59:56], arg: ins[55:32],
                                                   n: ins[31:0]};
              args_left <= args_left - 1;
              ai        <= ai + 1;
              pc        <= pc + 1;
            end else if (32'(s_res_q) < NSHARED) st <= S_REQ;
            else if (s_ovl_q) begin // runs beside the next step
              ov_on <= 1; ov_ended <= 0; ov_res <= s_res_q; ov_tag <= tag; ov_start <= cyc;
              st <= S_FETCH;
            end else st <= S_LOCAL;
          S_LOCAL: begin
            ns_tx(L, int'(tag), t_req, t_req, cyc, cyc - t_req);
            st <= S_JOIN;
          end
          S_HOLD: begin
            ns_tx(L, int'(tag), t_req, t_grant, cyc, 64'(res_cnt[s_res_q[1:0]]));
            st <= S_JOIN;
          end
          S_JOIN: begin
            if (ov_on) begin
              ns_tx(L, int'(ov_tag), ov_start, ov_start, ov_end, ov_end - ov_start);
              ov_on <= 0;
            end
            st <= S_FETCH;
          end
          default: ;
        endcase
      end
    end
  end
endmodule
