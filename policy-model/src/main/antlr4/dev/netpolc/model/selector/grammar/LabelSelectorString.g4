// The kubectl label-selector string: app=web,tier!=db,env in (a,b),team notin (x),has,!legacy
grammar LabelSelectorString;

selector
  : (requirement (COMMA requirement)*)? EOF
  ;

requirement
  : key op=(EQ | DEQ | NEQ) value?        # equality
  | key IN LPAREN values RPAREN           # in
  | key NOTIN LPAREN values RPAREN        # notIn
  | BANG key                              # doesNotExist
  | key                                   # exists
  ;

values
  : value (COMMA value)*
  ;

// "in" and "notin" are keywords only where an operator may stand; as keys and values they are words.
key
  : WORD | IN | NOTIN
  ;

value
  : WORD | IN | NOTIN
  ;

IN : 'in' ;
NOTIN : 'notin' ;
DEQ : '==' ;
NEQ : '!=' ;
EQ : '=' ;
BANG : '!' ;
COMMA : ',' ;
LPAREN : '(' ;
RPAREN : ')' ;
// Label keys and values: letters, digits, '-', '_', '.', and '/' (prefix); validation checks the details.
WORD : [a-zA-Z0-9._/-]+ ;
WS : [ \t\r\n]+ -> skip ;
