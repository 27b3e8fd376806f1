// ns_sbuf_port.sv - the scale buffer's port (docs/timing.md, "Scale buffer"): a read (or
// write) of n bits moves ceil(n / word_bits) words, one word every t_read (t_write) cycles;
// the step's operations run one after another under one grant, and the step holds the port
// at least one cycle.  Counted edge by edge as in ns_tile_ctl.sv; `counted` is the cycles of
// the words (without the one-cycle minimum).
module ns_sbuf_port
  import ns_pkg::*;
(
    input  logic        clk,
    input  logic        rst,
    input  logic        start,
    input  logic        tick,
    input  desc_t       desc,
    input  logic [31:0] word_bits,
    input  logic [31:0] t_read,
    input  logic [31:0] t_write,
    output logic        busy,
    output logic        settled,
    output logic [31:0] counted
);
  typedef enum logic [1:0] { B_IDLE, B_OP, B_WORD, B_PAD } st_t;
  st_t         st;
  desc_t       d;
  logic [2:0]  i;
  logic [31:0] left, bits_left, t_rw;
  assign busy    = st != B_IDLE;
  assign settled = st == B_IDLE || left != 0;
  always_ff @(posedge clk) begin
    if (rst) begin
      st <= B_IDLE; d <= '0; i <= 0; left <= 0; bits_left <= 0; t_rw <= 0; counted <= 0;
    end else if (start) begin
      st <= B_OP; d <= desc; i <= 0; left <= 0; counted <= 0;
    end else if (st != B_IDLE && stage_ends(tick, left)) begin
      left <= 0; // the stage ends (its last cycle at a TICK): the next one is chosen
      case (st)
        B_OP:
          if (32'(i) == 32'(d.nops)) begin
            if (counted == 0) begin left <= 1; st <= B_PAD; end // at least one cycle
            else st <= B_IDLE;
          end else begin
            bits_left <= d.op[i[1:0]].n;
            t_rw      <= d.op[i[1:0]].kind == K_WRITE ? t_write : t_read;
            i         <= i + 1;
            st        <= B_WORD;
          end
        B_WORD:
          if (bits_left == 0) st <= B_OP;
          else begin // the next word of the access
            bits_left <= bits_left > word_bits ? bits_left - word_bits : 0;
            left      <= t_rw;
            counted   <= counted + t_rw;
          end
        B_PAD:   st <= B_IDLE;
        default: st <= B_IDLE;
      endcase
    end else if (tick && left != 0) left <= left - 1;
  end
endmodule
