# tmux: a real pseudo-terminal for the live progress display tests (test/tty/), read with capture-pane.
ci_need tmux
