// Calico's selector expression: "||" binds loosest, then "&&", then any number of leading "!"
// (which collapse to one negation or none). An empty selector is all().
parser grammar CalicoSelectorGrammar;

options { tokenVocab = CalicoSelectorLexer; }

selector
  : orExpr? EOF
  ;

orExpr
  : andExpr (OR andExpr)*
  ;

andExpr
  : operation (AND operation)*
  ;

operation
  : NOT* primary
  ;

primary
  : HAS_OPEN LABEL RPAREN                                              # has
  | ALL_OPEN RPAREN                                                    # all
  | GLOBAL_OPEN RPAREN                                                 # global
  | LABEL op=(EQ | NE | CONTAINS | STARTS_WITH | ENDS_WITH) STRING      # compare
  | LABEL op=(IN | NOT_IN) LBRACE (STRING (COMMA STRING)* COMMA?)? RBRACE # membership
  | LPAREN orExpr RPAREN                                               # group
  ;
