"""Assistant and content (AST): news, help pages, the virtual assistant."""
