/*
 * The ipset restore forms netpolc emits: create (type, family and numeric options, -exist),
 * add (element, nomatch, -exist), flush, swap, destroy. Semantics are checked by the loader.
 */
grammar IpsetRestore;

file : line* EOF ;

line
  : (create | add | flush | swap | destroy)? NL
  ;

create : CREATE name=WORD type=WORD createOption* exist=EXIST? ;

createOption : key=WORD value=WORD ;

add : ADD name=WORD element=WORD nomatch=NOMATCH? exist=EXIST? ;

flush : FLUSH name=WORD ;

swap : SWAP from=WORD to=WORD ;

destroy : DESTROY name=WORD ;

CREATE : 'create' ;
ADD : 'add' ;
FLUSH : 'flush' ;
SWAP : 'swap' ;
DESTROY : 'destroy' ;
NOMATCH : 'nomatch' ;
EXIST : '-exist' ;
WORD : [A-Za-z0-9_.:/,[\]] [A-Za-z0-9_.:/,[\]\-]* ;
COMMENT : '#' ~[\r\n]* -> skip ;
WS : [ \t]+ -> skip ;
NL : '\r'? '\n' ;
