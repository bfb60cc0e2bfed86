using System.Reflection;
using Cake.Core.Annotations;
using Cake.Core.Tooling;
using Cake.Docker;

namespace Build.Tests.Docker.CakeDocker;

/// <summary>
/// The stand-in's public surface is Cake.Docker's (<see cref="CakeDockerFacts"/>): code written against it compiles
/// against the package. Built with the package (-p:UseCakeDockerPackage=true), the same tests check the table against it.
/// </summary>
public sealed class CakeDockerSignatureTests
{
    private static readonly Assembly Aliases = typeof(DockerAliases).Assembly;

    private static readonly bool IsStandIn = Aliases == typeof(global::Build.Docker.ProductDockerAliases).Assembly;

    private static IEnumerable<Type> SettingsTypes => CakeDockerFacts.Settings.Keys.Select(name => Aliases.GetType("Cake.Docker." + name)!);

    private static IEnumerable<MethodInfo> AliasMethods => typeof(DockerAliases).GetMethods(BindingFlags.Public | BindingFlags.Static)
        .Where(m => IsStandIn || CakeDockerFacts.Aliases.Contains(Describe(m)));

    [Test]
    public void Should_declare_exactly_cake_dockers_aliases_for_the_verbs_it_wraps()
    {
        var declared = typeof(DockerAliases).GetMethods(BindingFlags.Public | BindingFlags.Static).Select(Describe).ToList();

        if (IsStandIn)
        {
            Assert.That(declared.Order(StringComparer.Ordinal), Is.EqualTo(CakeDockerFacts.Aliases.Order(StringComparer.Ordinal)));
        }
        else
        {
            Assert.That(CakeDockerFacts.Aliases.Except(declared), Is.Empty, "the table's aliases are the package's");
        }
    }

    [Test]
    public void Should_mark_the_aliases_as_cake_does()
    {
        Assert.That(typeof(DockerAliases).GetCustomAttribute<CakeAliasCategoryAttribute>()?.Name, Is.EqualTo("Docker"));
        Assert.That(AliasMethods.Where(m => m.GetCustomAttribute<CakeMethodAliasAttribute>() is null).Select(m => m.Name), Is.Empty);
        Assert.That(AliasMethods.All(m => m.IsDefined(typeof(System.Runtime.CompilerServices.ExtensionAttribute))));
    }

    [Test]
    public void Should_have_the_settings_classes_of_cake_docker_in_its_namespace()
    {
        foreach (var name in CakeDockerFacts.Settings.Keys)
        {
            var type = Aliases.GetType("Cake.Docker." + name);
            Assert.That(type, Is.Not.Null, name);
            Assert.That((type!.IsSealed, type.BaseType, type.BaseType!.BaseType), Is.EqualTo((true, typeof(AutoToolSettings), typeof(ToolSettings))), name);
            Assert.That(type.GetConstructor(Type.EmptyTypes), Is.Not.Null, $"{name} has a parameterless constructor");
        }
    }

    [Test]
    public void Should_only_declare_settings_properties_cake_docker_has_with_its_types_and_order()
    {
        foreach (var type in SettingsTypes)
        {
            var theirs = CakeDockerFacts.PropertiesOf(type.Name);
            var ours = type.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly);
            Assert.That(ours, Is.Not.Empty, type.Name);
            foreach (var property in ours)
            {
                var match = theirs.FirstOrDefault(p => p.Name == property.Name);
                Assert.That(match, Is.Not.Null, $"{type.Name}.{property.Name} is not Cake.Docker's");
                Assert.That(property.PropertyType, Is.EqualTo(match!.Type), $"{type.Name}.{property.Name}");
                if (!property.PropertyType.IsValueType)
                {
                    var nullability = Nullability.Create(property);
                    Assert.That((nullability.ReadState, nullability.WriteState), Is.EqualTo((NullabilityState.NotNull, NullabilityState.NotNull)), $"{type.Name}.{property.Name} is annotated non-null, as Cake.Docker's");
                }

                Assert.That((property.CanRead, property.SetMethod?.IsPublic), Is.EqualTo((true, (bool?)true)), $"{type.Name}.{property.Name} has a public setter, as Cake.Docker's");
            }

            // Declaration order is rendering order; the package has every property of the table.
            var order = ours.Select(p => p.Name).ToList();
            Assert.That(order, Is.EqualTo(theirs.Select(p => p.Name).Where(name => !IsStandIn || order.Contains(name)).ToList()), type.Name);
        }
    }

    [Test]
    public void Should_keep_the_same_secret_properties()
    {
        foreach (var type in SettingsTypes)
        {
            var settings = (AutoToolSettings)Activator.CreateInstance(type)!;
            Assert.That(settings.SecretProperties, Is.EquivalentTo(CakeDockerFacts.Secrets.GetValueOrDefault(type.Name) ?? []), type.Name);
        }
    }

    [Test]
    public void Should_keep_our_additions_out_of_cake_dockers_types()
    {
        if (!IsStandIn)
        {
            Assert.Ignore("About the stand-in.");
        }

        // Anything public in the stand-in that Cake.Docker does not have would break the move to the package.
        var allowed = new HashSet<string>(["DockerAliases", "AutoToolSettings", .. CakeDockerFacts.Settings.Keys]);
        var types = Aliases.GetExportedTypes().Where(t => t.Namespace == "Cake.Docker").Select(t => t.Name);
        Assert.That(types.Where(t => !allowed.Contains(t)), Is.Empty);
    }

    private static readonly NullabilityInfoContext Nullability = new();

    // The declaration as C# source writes it: "string? DockerRun(this ICakeContext context, ..., params string[] args)".
    private static string Describe(MethodInfo method)
    {
        var parameters = method.GetParameters().Select(p =>
            (p.Position == 0 && method.IsDefined(typeof(System.Runtime.CompilerServices.ExtensionAttribute)) ? "this " : string.Empty) +
            (p.IsDefined(typeof(ParamArrayAttribute)) ? "params " : string.Empty) +
            $"{Keyword(p.ParameterType, Nullability.Create(p).WriteState)} {p.Name}" +
            (p.IsOptional ? $" = {p.DefaultValue ?? "null"}" : string.Empty));
        return $"{Keyword(method.ReturnType, Nullability.Create(method.ReturnParameter).ReadState)} {method.Name}({string.Join(", ", parameters)})";
    }

    private static string Keyword(Type type, NullabilityState state) =>
        (type == typeof(void) ? "void" : type == typeof(string) ? "string" : type == typeof(string[]) ? "string[]" : type.Name) +
        (state == NullabilityState.Nullable && !type.IsValueType ? "?" : string.Empty);
}
