package io.mptrec.governance.ui;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Headless Debian Chromium through chromedriver (no Selenium Manager, no download), with a fresh profile directory.
 * Without the browser the calling test is skipped with a loud message, except under {@code CI=true}: there it fails.
 * Override the binaries with {@code MPTREC_CHROMIUM} and {@code MPTREC_CHROMEDRIVER}.
 */
public final class Browser implements AutoCloseable {

    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private final WebDriver driver;
    private final Path profile;
    private final String base;

    private Browser(WebDriver driver, Path profile, String base) {
        this.driver = driver;
        this.profile = profile;
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    public static Browser start(URL base) {
        File chromium = new File(env("MPTREC_CHROMIUM", "/usr/bin/chromium"));
        File chromedriver = new File(env("MPTREC_CHROMEDRIVER", "/usr/bin/chromedriver"));
        if (!chromium.canExecute() || !chromedriver.canExecute()) {
            String message = "BROWSER TESTS NOT RUN: Chromium (" + chromium + ") or chromedriver (" + chromedriver
                    + ") is missing. Install them (Debian: apt-get install chromium chromium-driver) or set "
                    + "MPTREC_CHROMIUM / MPTREC_CHROMEDRIVER.";
            if ("true".equals(System.getenv("CI"))) {
                Assertions.fail(message + " Under CI=true a missing browser is a failure.");
            }
            System.err.println("\n" + "!".repeat(100) + "\n" + message + "\n" + "!".repeat(100) + "\n");
            Assumptions.abort(message);
        }
        try {
            Path profile = Files.createTempDirectory("mptrec-chromium");
            ChromeOptions o = new ChromeOptions();
            o.setBinary(chromium);
            o.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
                    "--user-data-dir=" + profile);
            WebDriver driver = new ChromeDriver(new ChromeDriverService.Builder()
                    .usingDriverExecutable(chromedriver).build(), o);
            driver.manage().window().setSize(new Dimension(1366, 900));  // a laptop screen
            return new Browser(driver, profile, base.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public WebDriver driver() {
        return driver;
    }

    /** Opens the page and waits until its htmx loads have landed ({@link #awaitQuiet}). */
    public void open(String path) {
        driver.get(base + path);
        awaitQuiet();
    }

    /**
     * Waits until no htmx request, swap or settle is in flight. A block loaded after the page (the experiment's results)
     * pushes what follows it down when it lands; a click aimed a moment before then hits whatever moved under it, and
     * nothing navigates.
     */
    public void awaitQuiet() {
        new WebDriverWait(driver, Duration.ofSeconds(10)).ignoring(org.openqa.selenium.WebDriverException.class)
                .until(d -> Boolean.TRUE.equals(script("return document.readyState === 'complete' && document"
                        + ".querySelector('.htmx-request, .htmx-swapping, .htmx-settling') === null;")));
    }

    public WebElement find(By by) {
        return new WebDriverWait(driver, Duration.ofSeconds(10)).until(ExpectedConditions.presenceOfElementLocated(by));
    }

    public List<WebElement> findAll(By by) {
        find(by);
        return driver.findElements(by);
    }

    public String h1() {
        return find(By.tagName("h1")).getText();
    }

    /**
     * Waits for the next page (after a click that navigates) by its h1, then for its htmx loads ({@link #awaitQuiet}).
     * The h1 is read in one script: while a form's answer replaces the page, an element found a moment before may
     * already belong to the old document (Chrome then answers an error, not a stale element).
     */
    public void awaitH1(String part) {
        new WebDriverWait(driver, Duration.ofSeconds(10)).ignoring(org.openqa.selenium.WebDriverException.class)
                .until(d -> String.valueOf(script("var h = document.querySelector('h1'); return h ? h.textContent : '';"))
                        .contains(part));
        awaitQuiet();
    }

    /** {@link #awaitText(String, String, Duration)} for up to 10 seconds. */
    public void awaitText(String selector, String part) {
        awaitText(selector, part, Duration.ofSeconds(10));
    }

    /**
     * Waits until the element the CSS selector names holds the text. Read in one script, for the reason given at
     * {@link #awaitH1}: a form's answer or an htmx refresh may replace the element between a find and a read.
     */
    public void awaitText(String selector, String part, Duration timeout) {
        new WebDriverWait(driver, timeout).ignoring(org.openqa.selenium.WebDriverException.class)
                .until(d -> String.valueOf(script("var e = document.querySelector(arguments[0]);"
                        + " return e ? e.innerText : '';", selector)).contains(part));
    }

    public String text() {
        return find(By.tagName("main")).getText();
    }

    public void signIn(String user) {
        open("/login");
        find(By.id("j_username")).sendKeys(user);
        driver.findElement(By.id("j_password")).sendKeys(user);
        driver.findElement(By.cssSelector("#login-form button[type=submit]")).click();
        new WebDriverWait(driver, Duration.ofSeconds(10)).until(ExpectedConditions.urlContains("/ui"));
    }

    public void signOut() {
        find(By.xpath("//button[text()='Sign out']")).click();
        new WebDriverWait(driver, Duration.ofSeconds(10)).until(ExpectedConditions.urlContains("/login"));
        assertThat(text()).contains("You are signed out");
    }

    public void screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
            Files.write(SCREENSHOTS.resolve(name + ".png"), png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * What breaks the formatting policy in the text a person reads on the current page (hover titles aside): a
     * number with more than 4 significant digits, a time with seconds, a whole hash. Empty when there is none.
     */
    public List<String> rawFigures() {
        return RawFigures.in((String) script("var m = document.querySelector('main'); return m ? m.innerText : '';"));
    }

    /** Fails with what breaks the formatting policy on the current page ({@link #rawFigures}). */
    public void assertReadableFigures(String page) {
        assertThat(rawFigures()).as(page + ": raw numbers, times with seconds or whole hashes").isEmpty();
    }

    public Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    /**
     * The accessibility smoke check of the current page: one h1, headings that never skip a level, every visible
     * form control with a label (label[for], a wrapping label or aria-label), every canvas described.
     */
    @SuppressWarnings("unchecked")
    public void assertAccessible(String page) {
        List<Long> levels = (List<Long>) script("return Array.from(document.querySelectorAll('h1,h2,h3,h4,h5,h6'))"
                + ".map(h => Number(h.tagName.substring(1)));");
        assertThat(levels.stream().filter(l -> l == 1).count()).as(page + ": exactly one h1").isEqualTo(1);
        assertThat(levels.get(0)).as(page + ": the first heading is the h1").isEqualTo(1L);
        for (int i = 1; i < levels.size(); i++) {
            assertThat(levels.get(i)).as(page + ": heading " + i + " does not skip a level").isLessThanOrEqualTo(levels.get(i - 1) + 1);
        }
        List<String> unlabeled = (List<String>) script("return Array.from(document.querySelectorAll("
                + "'input:not([type=hidden]):not([type=submit]), select, textarea'))"
                + ".filter(e => !(e.id && document.querySelector('label[for=\"' + e.id + '\"]')) && !e.closest('label')"
                + " && !e.getAttribute('aria-label')).map(e => e.name || e.outerHTML);");
        assertThat(unlabeled).as(page + ": form controls without a label").isEmpty();
        List<String> undescribed = (List<String>) script("return Array.from(document.querySelectorAll('canvas'))"
                + ".filter(c => !c.getAttribute('aria-label')).map(c => c.outerHTML);");
        assertThat(undescribed).as(page + ": charts without a text alternative").isEmpty();
        assertThat((String) script("return document.documentElement.lang;")).as(page + ": page language").isNotBlank();
        assertThat(axeViolations()).as(page + ": serious or critical WCAG 2.1 A/AA violations (axe-core)").isEmpty();
    }

    /** axe-core's serious and critical violations of WCAG 2.0/2.1 A and AA on the current page, one line each. */
    @SuppressWarnings("unchecked")
    public List<String> axeViolations() {
        script(Axe.SOURCE);
        Object found = ((JavascriptExecutor) driver).executeAsyncScript(
                "var done = arguments[arguments.length - 1];"
                + "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
                + ".then(function (r) { done(r.violations.filter(function (v) {"
                + "  return v.impact === 'serious' || v.impact === 'critical'; }).map(function (v) {"
                + "  return v.impact + ' ' + v.id + ': ' + v.help + ' at ' + v.nodes.map(function (n) {"
                + "    return n.target.join(' '); }).join(', '); })); })"
                + ".catch(function (e) { done(['axe failed: ' + e]); });");
        return (List<String>) found;
    }

    /** The axe-core script from its WebJar on the test classpath, read once (when first used). */
    private static final class Axe {
        static final String SOURCE = read();

        private static String read() {
            try (var in = Browser.class.getResourceAsStream("/META-INF/resources/webjars/axe-core/4.6.3/axe.min.js")) {
                if (in == null) {
                    throw new IllegalStateException("axe-core is not on the test classpath");
                }
                return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    @Override
    public void close() {
        driver.quit();
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary profile is harmless
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
