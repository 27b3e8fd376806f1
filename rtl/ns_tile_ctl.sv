// ns_tile_ctl.sv - the read sequencer of one crossbar tile (docs/timing.md, "Tile MVM"):
// for each row group of at most max_active_rows word-line pairs, decode the group's word
// lines (t_decode cycles), read the array (t_read), then for each column-mux slot (the used
// columns taken n_sa at a time, n_sa = ceil(xbar cols / cols_per_sa) amplifiers) convert the
// partial sums bit by bit (psum_bits comparisons of t_sense cycles).  Counted edge by edge:
// `left` counts the running stage's cycles down at each TICK; at the TICK of its last cycle
// the state moves on (into the next stage at once, or into a choice - the next mux slot, row
// group - made on the following zero-time edges, which take no cycle).  Tiles of the same
// slice shape run in lock step, so one controller stands for all the tiles of a layer that
// share a shape.
module ns_tile_ctl
  import ns_pkg::stage_ends;
(
    input  logic        clk,
    input  logic        rst,
    input  logic        start,      // load rows/cols (a zero-time edge)
    input  logic        tick,       // one cycle ends
    input  logic [31:0] rows,       // word-line pairs used by the slice
    input  logic [31:0] cols,       // columns used by the slice
    input  logic [31:0] max_active, // xbar.max_active_rows
    input  logic [31:0] n_sa,       // sense amplifiers of the tile
    input  logic [31:0] t_decode,
    input  logic [31:0] t_read,
    input  logic [31:0] psum_bits,
    input  logic [31:0] t_sense,
    output logic        idle,
    output logic        settled     // idle, or inside a stage with cycles left
);
  typedef enum logic [2:0] { T_IDLE, T_GROUP, T_DEC, T_READ, T_SLOT, T_BIT } st_t;
  st_t         st;
  logic [31:0] left, rows_left, cols_left, bits_left, c_q;
  assign idle    = st == T_IDLE;
  assign settled = st == T_IDLE || left != 0;
  always_ff @(posedge clk) begin
    if (rst) begin
      st <= T_IDLE; left <= 0; rows_left <= 0; cols_left <= 0; bits_left <= 0; c_q <= 0;
    end else if (start) begin
      st <= T_GROUP; left <= 0; rows_left <= rows; c_q <= cols;
    end else if (st != T_IDLE && stage_ends(tick, left)) begin
      left <= 0; // the stage ends (its last cycle at a TICK): the next one is chosen
      case (st)
        T_GROUP:
          if (rows_left == 0) st <= T_IDLE;
          else begin // the next group of word-line pairs: decode its lines
            rows_left <= rows_left > max_active ? rows_left - max_active : 0;
            left      <= t_decode;
            st        <= T_DEC;
          end
        T_DEC: begin left <= t_read; st <= T_READ; end // drive the group, the array settles
        T_READ: begin cols_left <= c_q; st <= T_SLOT; end
        T_SLOT:
          if (cols_left == 0) st <= T_GROUP; // every column of the group sensed
          else begin // the mux connects the next n_sa columns to the amplifiers
            cols_left <= cols_left > n_sa ? cols_left - n_sa : 0;
            bits_left <= psum_bits;
            st        <= T_BIT;
          end
        T_BIT:
          if (bits_left == 0) st <= T_SLOT;
          else begin // one comparison of the partial sum's successive approximation
            bits_left <= bits_left - 1;
            left      <= t_sense;
          end
        default: st <= T_IDLE;
      endcase
    end else if (tick && left != 0) left <= left - 1;
  end
endmodule
