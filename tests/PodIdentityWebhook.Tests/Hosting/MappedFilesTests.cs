using System.Globalization;
using PodIdentityWebhook.Hosting;
using PodIdentityWebhook.Tests.Support;

namespace PodIdentityWebhook.Tests.Hosting;

public class MappedFilesTests
{
    [Fact]
    public void Only_the_programs_own_read_only_mappings_without_a_private_copy_are_released()
    {
        // A webhook's smaps after start: its binary's five read-only mappings, two of them
        // relocation pages copied at load (Anonymous: 4 kB), its data, the heap, libcrypto, the stack.
        var smaps = File.ReadLines(TestFiles.Data("Hosting", "smaps.txt"));

        var chosen = MappedFiles.ReadOnlyMappings(smaps, "/app/PodIdentityWebhook")
            .Select(m => $"{m.Start:x}+{m.Length:x}")
            .ToList();

        Assert.Equal(["400000+5000", "405000+a81000", "e86000+27d000", "1104000+377000"], chosen);
    }

    [Fact]
    public void A_program_not_mapped_is_never_released()
    {
        var smaps = File.ReadLines(TestFiles.Data("Hosting", "smaps.txt"));

        Assert.Empty(MappedFiles.ReadOnlyMappings(smaps, "/app/Other"));
        Assert.Empty(MappedFiles.ReadOnlyMappings(smaps, "/usr/lib/x86_64-linux-gnu/libcrypto"));
    }

    [Fact]
    public void Released_pages_leave_the_process_and_it_goes_on_running()
    {
        // The test host is the dotnet launcher, whose own code is a few pages; the runtime's
        // library, loaded for good long before, stands in for the webhook's binary.
        var program = File.ReadLines("/proc/self/maps").Select(l => l.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length == 6).Select(f => f[5].Trim()).First(p => p.EndsWith("/libcoreclr.so", StringComparison.Ordinal));
        var before = ResidentKilobytes(program);
        Assert.True(before > 0, $"{program} has no resident read-only page to start with");

        var released = MappedFiles.ReleaseReadOnly(program);

        Assert.True(released > 0, "nothing was released");
        var after = ResidentKilobytes(program);
        Assert.True(after < before, $"{program}: {before} kB resident before, {after} kB after");
    }

    /// <summary>Resident kilobytes of <paramref name="path"/>'s private read-only mappings in this process.</summary>
    private static long ResidentKilobytes(string path)
    {
        long total = 0;
        var counting = false;
        foreach (var line in File.ReadLines("/proc/self/smaps"))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 6 && fields[0].Contains('-'))
            {
                counting = fields[1] is "r--p" or "r-xp" && fields[5] == path;
            }
            else if (counting && fields is ["Rss:", var kilobytes, "kB"])
            {
                total += long.Parse(kilobytes, CultureInfo.InvariantCulture);
            }
        }

        return total;
    }
}
