// ns_arbiter.sv - the arbiter of one shared resource: static priority, lower layer first
// (docs/timing.md, "Blocks and resources").  Combinational: `gnt` is one-hot (or zero) over
// `req`, meaningful when the resource is free at the decision phase.
module ns_arbiter #(parameter int N = 32) (
    input  logic [N-1:0] req,
    output logic [N-1:0] gnt
);
  always_comb begin
    gnt = '0;
    for (int i = 0; i < N; i++)
      if (req[i] && gnt == '0) gnt[i] = 1'b1;
  end
endmodule
