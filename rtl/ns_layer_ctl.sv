// ns_layer_ctl.sv - the controller of one layer (the tile controller's sequencer): it
// fetches the layer's operation stream and runs it by the rules of docs/timing.md.
//
//   FETCH --WAIT met / PASS gate open / ROWDONE / SKIP / overlap STEP--> FETCH (zero time)
//   FETCH --STEP on its own tiles, dropout or arbiter--> LOCAL --count reaches 0--> JOIN
//   FETCH --STEP on a shared resource--> REQ --grant--> HOLD --resource free--> JOIN
//   JOIN  --the overlapping step (if any) has ended--> FETCH
//   FETCH --END--> DONE
// A step of its own blocks starts at once and lasts its cycles (0 allowed); a shared step
// waits for its arbiter's grant and holds the resource.  An overlapping step (a dropout
// draw beside the input fetch) runs on its own counter; the layer goes on when both end.
// Every finished step is reported with its request, grant and release cycle (ns_tx).
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
    input  logic        gnt,        // this layer's request won at the decision phase
    output logic        req,
    output logic [2:0]  req_res,
    output logic [31:0] req_val,
    output logic        req_write,
    output logic        active,     // has zero-time work left in this cycle
    output logic        done,
    output logic [31:0] my_pass,
    output logic [31:0] my_rows
);
  import "DPI-C" function longint unsigned ns_fetch(input int layer, input int pc);
  import "DPI-C" function void ns_tx(input int layer, input int pc, input longint unsigned rq,
                                     input longint unsigned gr, input longint unsigned rl);

  typedef enum logic [2:0] { S_FETCH, S_LOCAL, S_REQ, S_HOLD, S_JOIN, S_DONE } state_t;
  state_t      st;
  logic [31:0] pc, tag, cnt;
  logic [63:0] t_req, t_grant;
  logic        ov_on;               // an overlapping step runs (or has ended, not joined)
  logic [31:0] ov_tag, ov_cnt;
  logic [63:0] ov_start, ov_end;
  logic [63:0] ins;

  always_comb ins = (enable && st == S_FETCH) ? ns_fetch(L, pc) : 64'd0;

  wire [3:0]  op     = ins[63:60];
  /* verilator lint_off UNUSEDSIGNAL */
  wire [5:0]  w_lay  = ins[59:54]; // layer 32 and up: refused by the harness
  /* verilator lint_on UNUSEDSIGNAL */
  wire [21:0] w_pass = ins[53:32];
  wire [31:0] w_rows = ins[31:0];
  wire [2:0]  s_res  = ins[59:57];
  wire        s_ovl  = ins[56];
  wire        s_wr   = ins[55];
  wire [31:0] s_val  = ins[31:0];
  wire        w_met  = all_pass[w_lay[4:0]] > 32'(w_pass) ||
                       (all_pass[w_lay[4:0]] == 32'(w_pass) && all_rows[w_lay[4:0]] >= w_rows);
  wire        ov_ok  = !ov_on || ov_cnt == 0;
  // the pass gate: passes in flight are last_pass .. pass_q
  wire [63:0] ahead  = 64'(pass_q) - 64'(last_pass);
  wire        g_open = pass_q <= last_pass ||
                       ((max_ahead == 0 || ahead <= 64'(max_ahead)) &&
                        (ahead + 1) * pass_bits + held_bits <= gbuf_bits);

  assign req       = st == S_REQ;
  assign req_res   = s_res_q;
  assign req_val   = s_val_q;
  assign req_write = s_wr_q;
  assign done      = st == S_DONE;
  assign my_pass   = pass_q;
  assign my_rows   = rows_q;
  logic [2:0]  s_res_q;
  logic [31:0] s_val_q, pass_q, rows_q;
  logic        s_wr_q;

  always_comb begin
    case (st)
      S_FETCH: active = enable && (op != OP_WAIT || w_met) && (op != OP_PASS || g_open);
      S_LOCAL: active = cnt == 0;
      S_HOLD:  active = !res_busy[s_res_q[1:0]];
      S_JOIN:  active = ov_ok;
      default: active = 1'b0;
    endcase
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      st <= enable ? S_FETCH : S_DONE;
      pc <= 0; tag <= 0; cnt <= 0; t_req <= 0; t_grant <= 0;
      ov_on <= 0; ov_tag <= 0; ov_cnt <= 0; ov_start <= 0; ov_end <= 0;
      s_res_q <= 0; s_val_q <= 0; s_wr_q <= 0; pass_q <= 0; rows_q <= 0;
    end else begin
      if (phase == PH_TICK) begin // one cycle ends: the layer's own counters count it
        if (st == S_LOCAL && cnt != 0) cnt <= cnt - 1;
        if (ov_on && ov_cnt != 0) begin
          ov_cnt <= ov_cnt - 1;
          if (ov_cnt == 1) ov_end <= cyc + 1;
        end
      end
      if (phase == PH_DECIDE && st == S_REQ && gnt) begin
        st      <= S_HOLD;
        t_grant <= cyc;
      end
      if (phase == PH_RUN && active) begin
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
                if (32'(s_res) >= NSHARED) begin
                  if (s_ovl) begin
                    ov_on <= 1; ov_tag <= pc; ov_cnt <= s_val; ov_start <= cyc;
                    ov_end <= cyc + 64'(s_val);
                    pc <= pc + 1;
                  end else begin
                    cnt <= s_val; st <= S_LOCAL;
                  end
                end else
                  st <= S_REQ;
              end
              default: st <= S_DONE; // not in the stream format: stops (the harness reports)
            endcase
          end
          S_LOCAL: begin
            ns_tx(L, int'(tag), t_req, t_req, cyc);
            st <= S_JOIN;
          end
          S_HOLD: begin
            ns_tx(L, int'(tag), t_req, t_grant, cyc);
            st <= S_JOIN;
          end
          S_JOIN: begin
            if (ov_on) begin
              ns_tx(L, int'(ov_tag), ov_start, ov_start, ov_end);
              ov_on <= 0;
            end
            pc <= pc + 1;
            st <= S_FETCH;
          end
          default: ;
        endcase
      end
    end
  end
endmodule
