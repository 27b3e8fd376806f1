# accuracy-energy.gp - an eval sweep's design points (docs/sweeps.md, `eval:`): accuracy on
# the test set against energy per image, what a configuration's predictions are worth
# beside what they cost.  Template of `neuspin plot` (traces/plots); edit it freely and
# redraw with:   gnuplot -c accuracy-energy.gp
#
# Reads, in this directory:
#   accuracy-energy.labels  one tab-separated line: title, subtitle, x label, y label,
#                           key title, groups, log x (0/1)
#   accuracy-energy.dat     a block per colour group (gnuplot "index"), each opening with a
#                           header line whose 4th column names the group:
#                           point, energy, accuracy (%), group
# Text from the data is shown as it is (noenhanced): names are data, never code.
set encoding utf8
set datafile separator '\t'
set datafile commentschars '#'
TITLE = ''; SUB = ''; XL = ''; YL = ''; KT = ''; NG = 1; LX = 0
stats 'accuracy-energy.labels' using (TITLE = strcol(1), SUB = strcol(2), XL = strcol(3), \
      YL = strcol(4), KT = strcol(5), NG = int(column(6)), LX = int(column(7)), 0) nooutput

set border lw 1.2 lc rgb '#444444'
set grid back lc rgb '#dddddd' lw 1
set tics textcolor rgb '#222222'
set title TITLE . "\n" . SUB font ',14' noenhanced
set xlabel XL noenhanced
set ylabel YL noenhanced
if (LX) { set logscale x }
set key outside right top vertical Left reverse samplen 1.5 opaque box lc rgb '#bbbbbb' noenhanced
set key title KT noenhanced
set offsets graph 0.03, graph 0.03, graph 0.05, graph 0.05
array colour[10] = ['#1f77b4', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#17becf', \
                    '#e377c2', '#7f7f7f', '#bcbd22', '#aec7e8']
if (NG == 1) { colour[1] = '#7a9cc6' }

do for [term = 1:2] {
  if (term == 1) {
    set terminal svg size 1000,640 dynamic noenhanced font 'DejaVu Sans,12' background rgb 'white'
    set output 'accuracy-energy.svg'
  } else {
    set terminal pngcairo size 1333,853 noenhanced font 'DejaVu Sans,12' background rgb 'white'
    set output 'accuracy-energy.png'
  }
  plot for [g = 1:NG] 'accuracy-energy.dat' index (g - 1) using 2:3 with points pt 7 ps 1.3 \
         lc rgb colour[(g - 1) % 10 + 1] title columnheader(4)
  unset output
}
