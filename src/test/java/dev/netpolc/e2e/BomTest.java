package dev.netpolc.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Keeps {@code bom/pom.xml} in step with the build. The BOM has no parent (importing it must not
 * pin netpolc's third-party versions), so Maven cannot check for us that it lists every published
 * module, carries the root's version and the metadata a public repository requires.
 */
class BomTest {
  private static final Path ROOT = root();

  @Test
  void pinsExactlyThePublishedModulesAtTheRootVersion() throws Exception {
    Element root = read(ROOT.resolve("pom.xml"));
    Element bom = read(ROOT.resolve("bom/pom.xml"));
    assertThat(text(bom, "groupId")).isEqualTo(text(root, "groupId"));
    assertThat(text(bom, "version")).isEqualTo(text(root, "version"));

    Set<String> published = new TreeSet<>();
    for (Element module : children(child(root, "modules"), "module")) {
      Element pom = read(ROOT.resolve(module.getTextContent().trim()).resolve("pom.xml"));
      String artifactId = text(pom, "artifactId");
      if (!artifactId.equals("netpolc-bom") && !deploySkipped(pom)) {
        published.add(artifactId);
      }
    }
    // Guard the filter itself: the libraries and the CLI are published, the examples are not.
    assertThat(published).contains("netpolc-policy-model", "netpolc-compiler",
        "netpolc-backend-nftables", "netpolc-cli").doesNotContain("netpolc-examples");

    Set<String> pinnedJars = new TreeSet<>();
    for (Element dep : managed(bom)) {
      assertThat(text(dep, "groupId")).isEqualTo("dev.netpolc");
      assertThat(text(dep, "version")).as(text(dep, "artifactId")).isEqualTo("${project.version}");
      if (text(dep, "type").isEmpty()) {
        pinnedJars.add(text(dep, "artifactId"));
      }
    }
    assertThat(pinnedJars).as("bom/pom.xml versus the published modules of pom.xml")
        .containsExactlyElementsOf(published);
  }

  @Test
  void rootPinsNetpolcArtifactsOnlyThroughTheBom() throws Exception {
    List<String> own = new ArrayList<>();
    for (Element dep : managed(read(ROOT.resolve("pom.xml")))) {
      if (text(dep, "groupId").equals("dev.netpolc")) {
        own.add(text(dep, "artifactId") + ":" + text(dep, "type") + ":" + text(dep, "scope"));
      }
    }
    assertThat(own).containsExactly("netpolc-bom:pom:import");
  }

  @Test
  void carriesTheRootsPublishingMetadata() throws Exception {
    Element root = read(ROOT.resolve("pom.xml"));
    Element bom = read(ROOT.resolve("bom/pom.xml"));
    for (String path : List.of("url", "inceptionYear", "licenses/license/name",
        "licenses/license/url", "developers/developer/name", "scm/url", "scm/connection",
        "scm/developerConnection", "properties/project.build.outputTimestamp")) {
      assertThat(path(root, path)).as(path).isNotBlank();
      assertThat(path(bom, path)).as(path).isEqualTo(path(root, path));
    }
    assertThat(text(bom, "description")).isNotBlank();
    assertThat(text(bom, "name")).startsWith("netpolc ");
  }

  private static boolean deploySkipped(Element pom) {
    return path(pom, "properties/maven.deploy.skip").equals("true");
  }

  private static List<Element> managed(Element pom) {
    return children(child(child(pom, "dependencyManagement"), "dependencies"), "dependency");
  }

  private static String path(Element e, String slashPath) {
    Element at = e;
    for (String name : slashPath.split("/")) {
      at = child(at, name);
    }
    return at == null ? "" : at.getTextContent().trim();
  }

  private static String text(Element e, String name) {
    Element c = child(e, name);
    return c == null ? "" : c.getTextContent().trim();
  }

  private static Element child(Element e, String name) {
    List<Element> found = children(e, name);
    return found.isEmpty() ? null : found.get(0);
  }

  private static List<Element> children(Element e, String name) {
    List<Element> out = new ArrayList<>();
    if (e == null) {
      return out;
    }
    for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element c && c.getTagName().equals(name)) {
        out.add(c);
      }
    }
    return out;
  }

  private static Element read(Path pom) throws Exception {
    assertThat(pom).isRegularFile();
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    // Our own files, but no reason to let a pom pull in anything external.
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    try (InputStream in = Files.newInputStream(pom)) {
      Document doc = f.newDocumentBuilder().parse(in);
      return doc.getDocumentElement();
    }
  }

  private static Path root() {
    String env = System.getenv("NETPOLC_TEST_ROOT");
    return (env != null ? Path.of(env) : Path.of("..", "..")).toAbsolutePath().normalize();
  }
}
