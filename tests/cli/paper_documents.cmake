# `bilet documents --statement` (tests/paper/documents.sh): the ведомость, protocols and
# statistics of the fixture statements read back with pdftotext, pdfinfo and python3's csv.
if(TARGET bilet_paper)
  bilet_shell_test(cli_paper_documents paper/documents.sh)
endif()
