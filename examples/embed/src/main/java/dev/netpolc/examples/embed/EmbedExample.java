package dev.netpolc.examples.embed;

import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.CompileResult;
import dev.netpolc.compiler.Compiler;
import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.ir.Direction;
import dev.netpolc.compiler.ir.EndpointGroup;
import dev.netpolc.compiler.ir.RuleGraphEvaluator;
import dev.netpolc.compiler.reference.Explanation;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.validation.AcceptanceGate;
import dev.netpolc.model.yaml.PolicyReader;
import dev.netpolc.model.yaml.ReadResult;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * What a CNI node agent does with netpolc: read the cluster's objects, validate them, compile
 * the policies for the node it runs on, and ask why a connection is allowed or denied.
 *
 * <p>Run: {@code java -cp ... dev.netpolc.examples.embed.EmbedExample examples/demo node-a}
 */
public final class EmbedExample {
  private EmbedExample() {}

  /** Arguments: an input path (file or directory) and a node name. */
  public static void main(String[] args) {
    if (args.length != 2) {
      System.err.println("usage: EmbedExample PATH NODE");
      System.exit(2);
    }
    System.exit(run(Path.of(args[0]), args[1], System.out));
  }

  /** The example's body; returns an exit code. */
  public static int run(Path input, String node, PrintStream out) {
    // 1. Read: every object keeps its file:line:column.
    ReadResult read = new PolicyReader().read(List.of(input));
    if (!read.ok()) {
      read.errors().forEach(d -> out.println(d.position() + ": " + d.message()));
      return 2;
    }
    Cluster cluster = read.cluster();

    // 2. Ask the acceptance gate, as every netpolc command does: never compile what the API
    //    server would reject (Compiler.compile would refuse it too), say what it accepts with a
    //    warning (rules of a direction missing from policyTypes, irregular CIDRs).
    AcceptanceGate.Verdict verdict = AcceptanceGate.DEFAULT.check(cluster);
    verdict.warnings().forEach(d -> out.println(d.position() + ": warning " + d.ruleId() + " " + d.message()));
    if (!verdict.accepted()) {
      verdict.blocking().forEach(d -> out.println(d.position() + ": " + d.ruleId() + " " + d.message()));
      return 2;
    }

    // 3. Compile for this node: only its pods are endpoints; every pod stays a possible peer.
    CompileResult result = new Compiler().compile(cluster, CompileOptions.DEFAULTS.withNode(node));
    out.println("node " + node + ": " + result.graph().groups().size() + " endpoint groups, "
        + result.graph().rules().size() + " rules");
    out.print(result.stats());
    for (EndpointGroup g : result.graph().groups()) {
      out.println("  group " + g.id() + ": " + g.members().size() + " pod(s), "
          + result.graph().rules(g.id(), Direction.INGRESS).size() + " ingress / "
          + result.graph().rules(g.id(), Direction.EGRESS).size() + " egress rules");
    }

    // 4. Decide a connection from the compiled graph and explain it from the policies.
    Connection c = Connection.of(IpAddress.parse("198.18.2.10"), IpAddress.parse("198.18.1.20"), Protocol.TCP, 8443);
    boolean fromGraph = new RuleGraphEvaluator(new Compiler().compile(cluster, CompileOptions.DEFAULTS).graph())
        .allows(c);
    Explanation why = new ReferenceEvaluator(cluster).explain(c);
    out.println("connection " + c + ": " + (fromGraph ? "allowed" : "denied"));
    out.println(why.toText());
    return fromGraph == why.allowed() ? 0 : 3;
  }
}
