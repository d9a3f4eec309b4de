# `bilet scan`, the sheet → print → scan pipeline (tests/paper/scan.sh): needs pdftoppm,
# pdftotext, ImageMagick's convert, zbarimg and qrencode. BILET_LONG=1 runs the whole grid.
if(TARGET bilet_paper)
  bilet_shell_test(cli_paper_scan paper/scan.sh)
endif()
