// Calico's selector expression language (projectcalico.org/v3 selectors), tokenised as Calico's
// own tokenizer does: operator words (contains, starts with, ends with, in, not in) are operators
// only right after a label, and there they match as prefixes (so "startswith" and "notin" are
// accepted, as Calico accepts them); everywhere else the same words are label names.
// Whitespace is spaces and tabs only; strings have no escapes and end at their next quote.
lexer grammar CalicoSelectorLexer;

HAS_OPEN : 'has(' ;
ALL_OPEN : 'all(' ;
GLOBAL_OPEN : 'global(' ;
EQ : '==' ;
NE : '!=' ;
NOT : '!' ;
AND : '&&' ;
OR : '||' ;
LPAREN : '(' ;
RPAREN : ')' ;
LBRACE : '{' ;
RBRACE : '}' ;
COMMA : ',' ;
STRING : '"' ~'"'* '"' | '\'' ~'\''* '\'' ;
LABEL : [a-zA-Z0-9_./-]+ -> mode(AFTER_LABEL) ;
WS : [ \t]+ -> skip ;

// Right after a label: the operator words, or any of the punctuation above.
mode AFTER_LABEL;
CONTAINS : 'contains' -> mode(DEFAULT_MODE) ;
STARTS_WITH : 'starts' [ \t]* 'with' -> mode(DEFAULT_MODE) ;
ENDS_WITH : 'ends' [ \t]* 'with' -> mode(DEFAULT_MODE) ;
NOT_IN : 'not' [ \t]* 'in' -> mode(DEFAULT_MODE) ;
IN : 'in' -> mode(DEFAULT_MODE) ;
A_EQ : '==' -> type(EQ), mode(DEFAULT_MODE) ;
A_NE : '!=' -> type(NE), mode(DEFAULT_MODE) ;
A_NOT : '!' -> type(NOT), mode(DEFAULT_MODE) ;
A_AND : '&&' -> type(AND), mode(DEFAULT_MODE) ;
A_OR : '||' -> type(OR), mode(DEFAULT_MODE) ;
A_LPAREN : '(' -> type(LPAREN), mode(DEFAULT_MODE) ;
A_RPAREN : ')' -> type(RPAREN), mode(DEFAULT_MODE) ;
A_LBRACE : '{' -> type(LBRACE), mode(DEFAULT_MODE) ;
A_RBRACE : '}' -> type(RBRACE), mode(DEFAULT_MODE) ;
A_COMMA : ',' -> type(COMMA), mode(DEFAULT_MODE) ;
A_STRING : ('"' ~'"'* '"' | '\'' ~'\''* '\'') -> type(STRING), mode(DEFAULT_MODE) ;
A_WS : [ \t]+ -> skip ;
