"""Portal views: thin adapters that parse a form, call one service and render."""
