package dev.prepaid.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
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

/**
 * The demo page in real headless Chromium (Debian's chromium and chromium-driver): sign in, buy the Trial
 * pack through the mock checkout page, see 100 credits, generate videos down to 0 and see the 402 message.
 * A second user fills the minute's order limit and sees the 429 message on the Buy button's next click.
 * Saves a screenshot to local/target/demo.png. Skipped when Chromium or its driver is not installed.
 */
class DemoPageBrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    static LocalStack stack;
    static WebDriver browser;
    static ChromeDriverService service;

    @BeforeAll
    static void start(@TempDir Path profile) {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "needs /usr/bin/chromium and /usr/bin/chromedriver (apt-get install chromium chromium-driver)");
        // A driver given explicitly: Selenium Manager never runs, so nothing is looked up or downloaded.
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        stack = LocalStack.start(TestSupport.options(TestSupport.realTemplate()));
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-default-apps", "--disable-extensions", "--window-size=1280,1250",
                "--user-data-dir=" + profile.toAbsolutePath());
        service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (service != null) {
            service.stop();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void signInBuyTheTrialPackAndSpendItAll() throws Exception {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        browser.get(stack.baseUrl() + "/");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("name"))).sendKeys("alice");
        browser.findElement(By.id("signin-btn")).click();
        wait.until(ExpectedConditions.textToBe(By.id("who"), "alice"));
        wait.until(ExpectedConditions.textToBe(By.id("balance"), "0"));

        WebElement buyTrial = wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("button.buy[data-product='trial']")));
        assertEquals("Buy Trial", buyTrial.getText());
        buyTrial.click();

        // The mock provider's hosted page.
        wait.until(ExpectedConditions.urlContains("/mock/checkout/mock_cs_"));
        assertTrue(browser.getTitle().contains("Trial"), browser.getTitle());
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("button.pay"))).click();

        // Back on the demo page through the callback; fulfilment is asynchronous, the page polls.
        wait.until(ExpectedConditions.textToBe(By.id("balance"), "100"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "100 credits added"));
        assertEquals(stack.baseUrl() + "/", browser.getCurrentUrl(), "the purchase parameters are cleaned from the URL");

        WebElement generate = browser.findElement(By.id("generate"));
        generate.click();
        wait.until(ExpectedConditions.textToBe(By.id("balance"), "80"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "20 credits used, 80 left"));
        for (String expected : List.of("60", "40", "20", "0")) {
            wait.until(ExpectedConditions.elementToBeClickable(By.id("generate"))).click();
            wait.until(ExpectedConditions.textToBe(By.id("balance"), expected));
        }
        wait.until(ExpectedConditions.elementToBeClickable(By.id("generate"))).click();
        wait.until(ExpectedConditions.textToBe(By.id("message"), "Not enough credits: you have 0, this needs 20. Buy more below."));
        assertTrue(browser.findElement(By.id("message")).getAttribute("class").contains("error"));
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#history-rows tr"), 6));
        assertTrue(browser.findElement(By.id("history-rows")).getText().contains("Credit pack"));

        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Path target = Path.of(System.getProperty("prepaid.local.screenshot", "target/demo.png"));
        Files.createDirectories(target.toAbsolutePath().getParent());
        Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
        assertTrue(Files.size(target) > 10_000, "a real screenshot");
    }

    @Test
    void theEleventhOrderInAMinuteIsShownAsTooManyOrders() throws Exception {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        browser.get(stack.baseUrl() + "/");
        ((JavascriptExecutor) browser).executeScript("localStorage.clear()");
        browser.navigate().refresh();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("name"))).sendKeys("carol");
        browser.findElement(By.id("signin-btn")).click();
        wait.until(ExpectedConditions.textToBe(By.id("who"), "carol"));
        WebElement buyTrial = wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("button.buy[data-product='trial']")));

        // The limit is 10 orders per user in a fixed minute (epoch-aligned): start early in one, so that the ten
        // orders and the click all fall into it.
        long second = Instant.now().getEpochSecond() % 60;
        if (second > 40) {
            Thread.sleep((61 - second) * 1000);
        }
        // Ten orders through the page's own API client (the same token, the same route the Buy button takes).
        Object statuses = ((JavascriptExecutor) browser).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                (async () => {
                  const statuses = [];
                  for (let i = 0; i < 10; i++) {
                    const reply = await call('POST', '/api/payment/create-order', { productId: 'trial' },
                      { 'idempotency-key': 'burst-' + i + '-' + Date.now() });
                    statuses.push(reply.status);
                  }
                  done(statuses);
                })();
                """);
        assertEquals(List.of(201L, 201L, 201L, 201L, 201L, 201L, 201L, 201L, 201L, 201L), statuses);

        buyTrial.click();
        wait.until(ExpectedConditions.textMatches(By.id("message"), Pattern.compile("Too many orders, try again in \\d+ seconds")));
        assertTrue(browser.findElement(By.id("message")).getAttribute("class").contains("error"));
        assertTrue(browser.getCurrentUrl().startsWith(stack.baseUrl() + "/"), "no checkout was opened: " + browser.getCurrentUrl());
        assertTrue(buyTrial.isEnabled(), "the button is usable again");
    }
}
