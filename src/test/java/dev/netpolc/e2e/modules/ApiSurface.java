package dev.netpolc.e2e.modules;

import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The public API of one library module as sorted text: its descriptor (requires, exports, uses,
 * provides), then every public type of an API package with its public and protected members,
 * one per line so that a diff names exactly what changed. The API packages are the unqualified
 * exports of a module-info; an automatic module exports every package, and its ANTLR-generated
 * {@code .grammar} packages are left out as internal.
 */
final class ApiSurface {
  private ApiSurface() {}

  /**
   * The listing of the module {@code d} whose class files are {@code entries} (paths such as
   * {@code dev/netpolc/compiler/Compiler.class}); types are loaded with {@code loader} without
   * initialising them.
   */
  static String of(ModuleDescriptor d, Set<String> entries, ClassLoader loader) {
    List<String> out = new ArrayList<>();
    out.add("module " + d.name() + (d.isAutomatic() ? " (automatic: Automatic-Module-Name; every package is exported, generated *.grammar packages are not listed)" : ""));
    SortedSet<String> head = new TreeSet<>();
    d.requires().stream()
        .filter(r -> !r.modifiers().contains(ModuleDescriptor.Requires.Modifier.MANDATED))
        .forEach(r -> head.add("  requires " + modifiers(r.modifiers()) + r.name()));
    d.exports().forEach(e -> head.add("  exports " + e.source() + (e.isQualified() ? " to " + String.join(", ", new TreeSet<>(e.targets())) : "")));
    d.uses().forEach(u -> head.add("  uses " + u));
    d.provides().forEach(p -> head.add("  provides " + p.service() + " with " + String.join(", ", p.providers())));
    out.addAll(head);

    for (String pkg : apiPackages(d)) {
      out.add("package " + pkg);
      for (Class<?> c : publicTypes(entries, pkg, loader)) {
        out.add("  " + typeLine(c));
        SortedSet<String> members = new TreeSet<>();
        for (Field f : c.getDeclaredFields()) {
          if (visible(f)) {
            members.add(f.toGenericString());
          }
        }
        for (Constructor<?> k : c.getDeclaredConstructors()) {
          if (visible(k)) {
            members.add(k.toGenericString());
          }
        }
        for (Method m : c.getDeclaredMethods()) {
          if (visible(m) && !m.isBridge()) {
            members.add(m.toGenericString());
          }
        }
        // Drop the owner's name from each signature: the type line above says it.
        String owner = " " + c.getTypeName() + ".";
        members.forEach(m -> out.add("    " + m.replace(owner, " ")));
      }
    }
    return String.join("\n", out) + "\n";
  }

  /** The unqualified exports, or every package but the generated grammars of an automatic module. */
  static SortedSet<String> apiPackages(ModuleDescriptor d) {
    if (d.isAutomatic()) {
      return d.packages().stream().filter(p -> !p.endsWith(".grammar"))
          .collect(Collectors.toCollection(TreeSet::new));
    }
    return d.exports().stream().filter(e -> !e.isQualified()).map(ModuleDescriptor.Exports::source)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static List<Class<?>> publicTypes(Set<String> entries, String pkg, ClassLoader loader) {
    String dir = pkg.replace('.', '/') + "/";
    List<String> names = entries.stream()
        .filter(e -> e.startsWith(dir) && e.endsWith(".class") && e.indexOf('/', dir.length()) < 0)
        .map(e -> e.substring(0, e.length() - ".class".length()).replace('/', '.'))
        .filter(n -> !n.endsWith("package-info"))
        .sorted().collect(Collectors.toList());
    List<Class<?>> types = new ArrayList<>();
    for (String n : names) {
      Class<?> c;
      try {
        c = Class.forName(n, false, loader);
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException("listed but not loadable: " + n, e);
      }
      if (accessible(c)) {
        types.add(c);
      }
    }
    types.sort((a, b) -> a.getTypeName().compareTo(b.getTypeName()));
    return types;
  }

  /** Public, and so is every enclosing type; anonymous and local classes never are API. */
  private static boolean accessible(Class<?> c) {
    if (c.isAnonymousClass() || c.isLocalClass() || c.isSynthetic()) {
      return false;
    }
    for (Class<?> k = c; k != null; k = k.getDeclaringClass()) {
      if (!Modifier.isPublic(k.getModifiers())) {
        return false;
      }
    }
    return true;
  }

  private static boolean visible(Member m) {
    int mod = m.getModifiers();
    return !m.isSynthetic() && (Modifier.isPublic(mod) || Modifier.isProtected(mod));
  }

  private static String typeLine(Class<?> c) {
    StringBuilder b = new StringBuilder();
    int mod = c.getModifiers();
    String kind;
    if (c.isAnnotation()) {
      kind = "@interface";
      mod &= ~(Modifier.INTERFACE | Modifier.ABSTRACT);
    } else if (c.isInterface()) {
      kind = "interface";
      mod &= ~(Modifier.INTERFACE | Modifier.ABSTRACT);
    } else if (c.isEnum()) {
      kind = "enum";
      mod &= ~(Modifier.FINAL | Modifier.ABSTRACT);
    } else if (c.isRecord()) {
      kind = "record";
      mod &= ~Modifier.FINAL;
    } else {
      kind = "class";
    }
    b.append(Modifier.toString(mod & (Modifier.PUBLIC | Modifier.PROTECTED | Modifier.ABSTRACT | Modifier.STATIC | Modifier.FINAL)));
    if (c.isSealed()) {
      b.append(" sealed");
    }
    b.append(' ').append(kind).append(' ').append(c.getTypeName()).append(typeParameters(c.getTypeParameters()));
    Type sup = c.getGenericSuperclass();
    if (sup != null && !c.isEnum() && !c.isRecord() && sup != Object.class) {
      b.append(" extends ").append(sup.getTypeName());
    }
    Type[] ifaces = c.getGenericInterfaces();
    if (ifaces.length > 0) {
      b.append(c.isInterface() ? " extends " : " implements ")
          .append(Arrays.stream(ifaces).map(Type::getTypeName).collect(Collectors.joining(", ")));
    }
    if (c.isSealed()) {
      b.append(" permits ").append(Arrays.stream(c.getPermittedSubclasses()).map(Class::getTypeName).sorted()
          .collect(Collectors.joining(", ")));
    }
    return b.toString();
  }

  private static String typeParameters(TypeVariable<?>[] vars) {
    if (vars.length == 0) {
      return "";
    }
    return Arrays.stream(vars).map(v -> {
      Type[] bounds = v.getBounds();
      boolean plain = bounds.length == 1 && bounds[0] == Object.class;
      return plain ? v.getName() : v.getName() + " extends "
          + Arrays.stream(bounds).map(Type::getTypeName).collect(Collectors.joining(" & "));
    }).collect(Collectors.joining(", ", "<", ">"));
  }

  private static String modifiers(Set<ModuleDescriptor.Requires.Modifier> mods) {
    return mods.stream().sorted().map(m -> m.name().toLowerCase(java.util.Locale.ROOT) + " ")
        .collect(Collectors.joining());
  }
}
