# The kiosk in a real X window under Xvfb and openbox, driven with xdotool (tests/x11/).
bilet_shell_test(x11_window x11/window.sh)
set_tests_properties(x11_window PROPERTIES SKIP_RETURN_CODE 77 RUN_SERIAL TRUE)
