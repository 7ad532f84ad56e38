/*
 * The iptables-restore / ip6tables-restore forms netpolc emits and iptables-save lists back:
 * table headers, chain declarations, rule commands (-A, -I, -F, -N, -X) with options, COMMIT.
 * Option semantics are checked by the builder, which knows the matches and targets.
 */
grammar IptRestore;

file : line* EOF ;

line
  : (table | chainDecl | command | commit)? NL
  ;

table : STAR name=WORD ;

chainDecl : CHAIN_DECL policy=(WORD | DASH) counters=WORD? ;

command : op=SHORT_OPT chain=WORD position=WORD? option* ;

option : neg=BANG? name=(SHORT_OPT | LONG_OPT) value* ;

value : WORD | STRING ;

commit : COMMIT ;

COMMIT : 'COMMIT' ;
STAR : '*' ;
BANG : '!' ;
DASH : '-' ;
CHAIN_DECL : ':' [A-Za-z] [A-Za-z0-9_.\-]* ;
LONG_OPT : '--' [a-z0-9] [a-z0-9\-]* ;
SHORT_OPT : '-' [A-Za-z] ;
STRING : '"' ~["\r\n]* '"' ;
WORD : [A-Za-z0-9_.:/,+[\]] [A-Za-z0-9_.:/,+[\]\-]* ;
COMMENT : '#' ~[\r\n]* -> skip ;
WS : [ \t]+ -> skip ;
NL : '\r'? '\n' ;
