# schemes.gp - architectures (schemes) side by side: one panel per metric, each bar the
# architecture's value divided by the baseline's, so 1 is the baseline and no bar starts
# below the axis.  Template of `neuspin plot` (traces/plots); edit it freely and redraw:
#   gnuplot -c schemes.gp
#
# Reads, in this directory:
#   schemes.labels  one tab-separated line: title, subtitle, then the title of each of the
#                   six panels (each names its metric, unit and the baseline's value)
#   schemes.dat     a row per architecture: name, scheme, then for each of the six
#                   metrics its ratio to the baseline (energy, latency, RNG modules,
#                   random bits, memory, crossbar tiles)
# Text from the data is shown as it is (noenhanced): names are data, never code.
set encoding utf8
set datafile separator '\t'
TITLE = ''; SUB = ''
array PT[6]
stats 'schemes.labels' using (TITLE = strcol(1), SUB = strcol(2), PT[1] = strcol(3), \
      PT[2] = strcol(4), PT[3] = strcol(5), PT[4] = strcol(6), PT[5] = strcol(7), \
      PT[6] = strcol(8), 0) nooutput
stats 'schemes.dat' using 3 nooutput
NA = STATS_records
array colour[6] = ['#1f77b4', '#ff7f0e', '#d62728', '#9467bd', '#2ca02c', '#8c564b']

set border lw 1.2 lc rgb '#444444'
set tics textcolor rgb '#222222'
set style fill solid 0.9 border rgb '#333333'
set boxwidth 0.7
set grid noxtics ytics back lc rgb '#dddddd'
set xtics noenhanced rotate by -35 left font ',10'
set yrange [0:*]
set offsets 0.5, 0.5, graph 0.15, 0
set rmargin 7
set xrange [-0.5:NA - 0.5]
unset key
set ylabel 'ratio to the baseline'
fmt(x) = x >= 100 ? sprintf('%.0f', x) : x >= 10 ? sprintf('%.1f', x) : sprintf('%.2f', x)
W = NA > 5 ? 1500 : 1200

do for [term = 1:2] {
  if (term == 1) {
    set terminal svg size W,820 dynamic noenhanced font 'DejaVu Sans,12' background rgb 'white'
    set output 'schemes.svg'
  } else {
    set terminal pngcairo size W * 4 / 3,1093 noenhanced font 'DejaVu Sans,12' background rgb 'white'
    set output 'schemes.png'
  }
  set multiplot layout 2,3 title TITLE . "\n" . SUB font ',14' noenhanced
  do for [m = 1:6] {
    set title PT[m] noenhanced font ',11'
    plot 'schemes.dat' using 0:(column(m + 2)):xtic(1) with boxes lc rgb colour[m], \
         '' using 0:(column(m + 2)):(fmt(column(m + 2))) with labels offset 0,0.7 font ',9', \
         1 with lines dt 2 lc rgb '#444444'
  }
  unset multiplot
  unset output
}
