/*
 * The ipset restore forms netpolc emits: create (type, family, numeric options, skbinfo,
 * -exist), add (element, nomatch, skbmark, -exist), del (element, -exist), flush, swap, destroy. Semantics are checked by the loader.
 */
grammar IpsetRestore;

file : line* EOF ;

line
  : (create | add | del | flush | swap | destroy)? NL
  ;

create : CREATE name=WORD type=WORD createOption* exist=EXIST? ;

// A key, or a key and its value ("family inet", "skbinfo"): the loader knows which keys take one.
createOption : WORD ;

add : ADD name=WORD element=WORD addOption* exist=EXIST? ;

// nomatch, or "skbmark VALUE[/MASK]"; the loader checks them.
addOption : NOMATCH | WORD ;

del : DEL name=WORD element=WORD exist=EXIST? ;

flush : FLUSH name=WORD ;

swap : SWAP from=WORD to=WORD ;

destroy : DESTROY name=WORD ;

CREATE : 'create' ;
ADD : 'add' ;
DEL : 'del' ;
FLUSH : 'flush' ;
SWAP : 'swap' ;
DESTROY : 'destroy' ;
NOMATCH : 'nomatch' ;
EXIST : '-exist' ;
WORD : [A-Za-z0-9_.:/,[\]] [A-Za-z0-9_.:/,[\]\-]* ;
COMMENT : '#' ~[\r\n]* -> skip ;
WS : [ \t]+ -> skip ;
NL : '\r'? '\n' ;
