/*
 * The subset of the nftables language (nft 1.0.6) that netpolc emits and `nft list` prints back.
 * Newlines are significant, as in nft: a newline or ';' ends a command, a rule, a chain/set
 * property and every block inside a table. Values are lexed loosely (addresses, numbers,
 * words) and typed by NftChecker against the expression or set they belong to.
 */
grammar Nft;

@header {
// Generated from Nft.g4; do not edit.
}

file : sep* (command (sep+ command)* sep*)? EOF ;

sep : NEWLINE | SEMI ;

command
  : ADD? TABLE family? name tableBody?   # defineTable
  | DELETE TABLE family? name            # deleteTable
  | FLUSH TABLE family? name             # flushTable
  | ADD CHAIN family? name name chainBody?                    # addChain
  | ADD (SET | MAP) family? name name setBody                 # addSet
  | ADD RULE family? name name nftRule                        # addRule
  | ADD ELEMENT family? name name LBRACE elements RBRACE      # addElement
  | DELETE ELEMENT family? name name LBRACE elements RBRACE   # deleteElement
  | FLUSH (SET | MAP) family? name name                       # flushSet
  | FLUSH CHAIN family? name name                             # flushChain
  | DELETE CHAIN family? name name                            # deleteChain
  | DELETE (SET | MAP) family? name name                      # deleteSet
  ;

family : INET | IP | IP6 ;

name : WORD ;

tableBody : LBRACE (sep | tableItem sep)* RBRACE ;

tableItem
  : CHAIN name chainBody     # chainItem
  | SET name setBody         # setItem
  | MAP name setBody         # mapItem
  | COMMENT commentText      # tableComment
  ;

chainBody : LBRACE (sep | chainProperty sep)* RBRACE ;

chainProperty
  : TYPE WORD HOOK WORD PRIORITY priority   # hookSpec
  | POLICY (ACCEPT | DROP)                  # policySpec
  | COMMENT commentText                     # chainComment
  | nftRule                                 # ruleItem
  ;

priority : DASH? NUMBER | WORD ((PLUS | DASH) NUMBER)? ;

setBody : LBRACE (sep | setProperty sep)* RBRACE ;

setProperty
  : TYPE WORD (DOT WORD)* (COLON WORD)?              # setType
  | TYPEOF selector (DOT selector)* (COLON WORD)?    # setTypeof
  | FLAGS setFlag (COMMA setFlag)*                   # setFlags
  | ELEMENTS EQ LBRACE elements RBRACE               # setElements
  | COMMENT commentText                              # setComment
  | AUTOMERGE                                        # setAutoMerge
  | SIZE NUMBER                                      # setSize
  ;

setFlag : INTERVAL | CONSTANT | WORD ;

elements : NEWLINE* element (NEWLINE* COMMA NEWLINE* element)* NEWLINE* (COMMA NEWLINE*)? ;

element : concatValue (COLON verdict)? (COMMENT commentText)? ;

concatValue : rangeValue (DOT rangeValue)* ;

rangeValue : atom (DASH atom | SLASH NUMBER)? ;

atom : IPV4_LIT | IPV6_LIT | NUMBER | STRING | WORD | TCP | UDP | SCTP | ICMP | ICMPV6 ;

nftRule : statement+ (COMMENT commentText)? ;

// nft takes quoted or bare strings as comments.
commentText : STRING | WORD ;

statement
  : selectors VMAP (setRef | LBRACE elements RBRACE)   # vmapStatement
  | selectors relOp? rhs                               # matchStatement
  | COUNTER (PACKETS NUMBER BYTES NUMBER)?             # counterStatement
  | LOG logOption*                                     # logStatement
  | REJECT (WITH rejectKind)?                          # rejectStatement
  | verdict                                            # verdictStatement
  ;

selectors : selector (DOT selector)* ;

selector
  : IP (SADDR | DADDR | PROTOCOL)
  | IP6 (SADDR | DADDR)
  | META (L4PROTO | NFPROTO | IIFNAME | OIFNAME)
  | (TH | TCP | UDP | SCTP) (SPORT | DPORT)
  | CT STATE
  | ICMPV6 TYPE
  | AT TH COMMA NUMBER COMMA NUMBER
  | IIFNAME
  | OIFNAME
  ;

relOp : EQEQ | NEQ ;

rhs
  : setRef                                  # rhsSetRef
  | LBRACE elements RBRACE                  # rhsAnonSet
  | concatValue (COMMA concatValue)*        # rhsValues
  ;

setRef : AT name ;

logOption
  : PREFIX STRING
  | LEVEL WORD
  | GROUP NUMBER
  | SNAPLEN NUMBER
  ;

rejectKind : (ICMP | ICMPV6 | ICMPX) TYPE? (WORD | NUMBER) | TCP RESET ;

verdict : ACCEPT | DROP | CONTINUE | RETURN | JUMP name | GOTO name ;

// ---- lexer ----
TABLE : 'table' ;
ADD : 'add' ;
DELETE : 'delete' ;
FLUSH : 'flush' ;
CHAIN : 'chain' ;
SET : 'set' ;
MAP : 'map' ;
RULE : 'rule' ;
ELEMENT : 'element' ;
TYPE : 'type' ;
TYPEOF : 'typeof' ;
HOOK : 'hook' ;
PRIORITY : 'priority' ;
POLICY : 'policy' ;
FLAGS : 'flags' ;
ELEMENTS : 'elements' ;
COMMENT : 'comment' ;
AUTOMERGE : 'auto-merge' ;
SIZE : 'size' ;
INTERVAL : 'interval' ;
CONSTANT : 'constant' ;
ACCEPT : 'accept' ;
DROP : 'drop' ;
CONTINUE : 'continue' ;
RETURN : 'return' ;
JUMP : 'jump' ;
GOTO : 'goto' ;
REJECT : 'reject' ;
WITH : 'with' ;
ICMPX : 'icmpx' ;
RESET : 'reset' ;
COUNTER : 'counter' ;
PACKETS : 'packets' ;
BYTES : 'bytes' ;
LOG : 'log' ;
PREFIX : 'prefix' ;
LEVEL : 'level' ;
GROUP : 'group' ;
SNAPLEN : 'snaplen' ;
VMAP : 'vmap' ;
INET : 'inet' ;
IP : 'ip' ;
IP6 : 'ip6' ;
META : 'meta' ;
CT : 'ct' ;
TH : 'th' ;
TCP : 'tcp' ;
UDP : 'udp' ;
SCTP : 'sctp' ;
ICMP : 'icmp' ;
ICMPV6 : 'icmpv6' ;
SADDR : 'saddr' ;
DADDR : 'daddr' ;
SPORT : 'sport' ;
DPORT : 'dport' ;
PROTOCOL : 'protocol' ;
L4PROTO : 'l4proto' ;
NFPROTO : 'nfproto' ;
STATE : 'state' ;
IIFNAME : 'iifname' ;
OIFNAME : 'oifname' ;

LBRACE : '{' ;
RBRACE : '}' ;
SEMI : ';' ;
COMMA : ',' ;
DOT : '.' ;
COLON : ':' ;
SLASH : '/' ;
DASH : '-' ;
PLUS : '+' ;
AT : '@' ;
EQEQ : '==' ;
NEQ : '!=' ;
EQ : '=' ;

IPV4_LIT : DIGIT+ '.' DIGIT+ '.' DIGIT+ '.' DIGIT+ ;
// Loose on purpose: anything with a colon that looks like an IPv6 address; NftChecker validates.
IPV6_LIT : HEXDIGIT* ':' (HEXDIGIT | ':')+ ('.' DIGIT+)* ;
NUMBER : DIGIT+ | '0' [xX] HEXDIGIT+ ;
// nft's unquoted string: a letter, '_' or '.', then letters, digits and / - _ .
WORD : [a-zA-Z_] [a-zA-Z0-9/_.-]* ;
// nft has no escapes inside quotes.
STRING : '"' ~["]* '"' ;

NEWLINE : '\r'? '\n' ;
CONTINUATION : '\\' '\r'? '\n' -> skip ;
LINE_COMMENT : '#' ~[\r\n]* -> skip ;
WS : [ \t]+ -> skip ;
JUNK : . ;

fragment DIGIT : [0-9] ;
fragment HEXDIGIT : [0-9a-fA-F] ;
