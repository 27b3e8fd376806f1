# energy-latency.gp - a sweep's design points, energy vs latency per image, the Pareto
# front marked and labelled with point ids.  Template of `neuspin plot` (traces/plots);
# edit it freely and redraw with:   gnuplot -c energy-latency.gp
#
# Reads, in this directory:
#   energy-latency.labels  one tab-separated line: title, subtitle, x label, y label,
#                          key title, groups, log x (0/1), log y (0/1), label the front (0/1)
#   energy-latency.dat     a block per colour group (gnuplot "index"), each opening with a
#                          header line whose 5th column names the group:
#                          point, latency, energy, on the front (0/1), group
#   energy-latency-pareto.dat   point, latency, energy of the Pareto front
# Text from the data is shown as it is (noenhanced): names are data, never code.
set encoding utf8
set datafile separator '\t'
set datafile commentschars '#'
TITLE = ''; SUB = ''; XL = ''; YL = ''; KT = ''; NG = 1; LX = 0; LY = 0; IDS = 0
stats 'energy-latency.labels' using (TITLE = strcol(1), SUB = strcol(2), XL = strcol(3), \
      YL = strcol(4), KT = strcol(5), NG = int(column(6)), LX = int(column(7)), \
      LY = int(column(8)), IDS = int(column(9)), 0) nooutput

set border lw 1.2 lc rgb '#444444'
set grid back lc rgb '#dddddd' lw 1
set tics textcolor rgb '#222222'
set title TITLE . "\n" . SUB font ',14' noenhanced
set xlabel XL noenhanced
set ylabel YL noenhanced
if (LX) { set logscale x }
if (LY) { set logscale y }
set key outside right top vertical Left reverse samplen 1.5 opaque box lc rgb '#bbbbbb' noenhanced
set key title KT noenhanced
set offsets graph 0.03, graph 0.03, graph 0.05, graph 0.05
array colour[10] = ['#1f77b4', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#17becf', \
                    '#e377c2', '#7f7f7f', '#bcbd22', '#aec7e8']
if (NG == 1) { colour[1] = '#7a9cc6' }

do for [term = 1:2] {
  if (term == 1) {
    set terminal svg size 1000,640 dynamic noenhanced font 'DejaVu Sans,12' background rgb 'white'
    set output 'energy-latency.svg'
  } else {
    set terminal pngcairo size 1333,853 noenhanced font 'DejaVu Sans,12' background rgb 'white'
    set output 'energy-latency.png'
  }
  plot for [g = 1:NG] 'energy-latency.dat' index (g - 1) using 2:3 with points pt 7 ps 1.3 \
         lc rgb colour[(g - 1) % 10 + 1] title columnheader(5), \
       'energy-latency-pareto.dat' using 2:3 with linespoints pt 5 ps 1.5 lw 2 \
         lc rgb '#d62728' title 'Pareto front', \
       'energy-latency-pareto.dat' every 2::0 using 2:3:(IDS ? strcol(1) : '') with labels \
         offset char 0.8,0.9 font ',9' tc rgb '#a01010' notitle, \
       'energy-latency-pareto.dat' every 2::1 using 2:3:(IDS ? strcol(1) : '') with labels \
         offset char 0.8,-0.9 font ',9' tc rgb '#a01010' notitle
  unset output
}
