# bilet-central --add-exam FILE.bilet (tests/central/add_package.sh), on SQLite: the
# package path shares every backend call with the directory path that central_grading_*
# runs on both backends.
if(TARGET bilet-central AND TARGET bilet)
  bilet_shell_test(central_add_package central/add_package.sh)
  set_property(TEST central_add_package APPEND PROPERTY ENVIRONMENT "BILET_CENTRAL_BACKEND=sqlite")
endif()
