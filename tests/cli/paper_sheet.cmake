# `bilet sheet` through its flags (tests/paper/sheet.sh): needs pdftotext, pdfinfo, sqlite3
# and the session_tool of tests/cli/results.cmake.
if(TARGET bilet_paper)
  bilet_shell_test(cli_paper_sheet paper/sheet.sh)
endif()
