// ns_gpath.sv - the global activation path: the bus, then the global buffer port
// (docs/timing.md, step 1a and 4).  One transfer of `bits` bits holds it for
//   t_hop cycles (arbitration and wire), then one beat of width_bits per cycle,
//   then t_rw cycles per buffer word of word_bits (t_read or t_write) — or, with
//   `overlap` (bus.overlap), the beats and the words counting on the same edges, the
//   buffer taking each beat as it arrives —
// counted edge by edge; at least one cycle.  busy falls on the cycle the last one ends;
// `counted` is the cycles of the transfer (without the one-cycle minimum).
module ns_gpath (
    input  logic        clk,
    input  logic        rst,
    input  logic        start,      // load at the decision phase
    input  logic        tick,       // one cycle ends
    input  logic [31:0] bits,
    input  logic        write,
    input  logic [31:0] width_bits,
    input  logic [31:0] t_hop,
    input  logic        overlap,    // 1: after the hop the beats and the words count together
    input  logic [31:0] word_bits,
    input  logic [31:0] t_read,
    input  logic [31:0] t_write,
    output logic        busy,
    output logic [31:0] counted
);
  logic [31:0] hop_left, bus_left, sram_left, wcyc, t_rw;
  logic        min1; // a transfer of no cycles still holds the path for one
  assign busy = hop_left != 0 || bus_left != 0 || sram_left != 0 || min1;
  always_ff @(posedge clk) begin
    if (rst) begin
      hop_left <= 0; bus_left <= 0; sram_left <= 0; wcyc <= 0; min1 <= 0; t_rw <= 0;
      counted <= 0;
    end else if (start) begin
      t_rw      <= write ? t_write : t_read;
      hop_left  <= t_hop;
      bus_left  <= bits;
      sram_left <= (write ? t_write : t_read) != 0 ? bits : 0;
      wcyc      <= 0;
      min1      <= t_hop == 0 && bits == 0;
      counted   <= 0;
    end else if (tick) begin
      min1 <= 0;
      if (hop_left != 0 || bus_left != 0 || sram_left != 0) counted <= counted + 1;
      if (hop_left != 0)
        hop_left <= hop_left - 1;
      else begin
        if (bus_left != 0)
          bus_left <= bus_left > width_bits ? bus_left - width_bits : 0;
        if (sram_left != 0 && (overlap || bus_left == 0)) begin
          if (wcyc + 1 == t_rw) begin
            wcyc      <= 0;
            sram_left <= sram_left > word_bits ? sram_left - word_bits : 0;
          end else
            wcyc <= wcyc + 1;
        end
      end
    end
  end
endmodule
