/**
 * The embedding example as a named module: it needs only the compiler, which brings the policy
 * model with it ({@code requires transitive}).
 */
module dev.netpolc.examples.embed {
  requires dev.netpolc.compiler;
}
