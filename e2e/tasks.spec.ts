import { expect, test } from "@playwright/test";
import { signUp, uniqueEmail } from "./helpers";

test("a user adds a task, gets a clear error for a blank title, and completes the task", async ({ page }) => {
  await signUp(page, { name: "Ivo", email: uniqueEmail("ivo"), password: "ivo-password-1" });
  await page.getByRole("link", { name: "Tasks" }).click();
  await expect(page.getByText("No tasks yet. Add one above.")).toBeVisible();

  await page.getByLabel("Title").fill("   ");
  await page.getByRole("button", { name: "Add task" }).click();
  await expect(page.getByText("Give the task a title")).toBeVisible();

  await page.getByLabel("Title").fill("Send the invoice");
  await page.getByLabel("Project").fill("Billing");
  await page.getByLabel("Priority").selectOption("urgent");
  await page.getByRole("button", { name: "Add task" }).click();
  const task = page.getByRole("list", { name: "Tasks" }).getByRole("listitem").filter({ hasText: "Send the invoice" });
  await expect(task).toContainText("Billing · urgent");
  await expect(page.getByLabel("Title")).toHaveValue("");

  await task.getByRole("button", { name: "Done" }).click();
  await expect(task.getByRole("button", { name: "Done" })).toHaveCount(0);
  await page.reload();
  await expect(page.getByText("Send the invoice")).toHaveClass(/line-through/);
});
