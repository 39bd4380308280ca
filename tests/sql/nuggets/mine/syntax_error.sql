-- syntax_error
SELEC 1;
