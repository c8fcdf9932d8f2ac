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
  await expect(task.getByTestId("task-completed")).toHaveText(" · completed");

  // Done by mistake: reopened, it is open (and editable) again.
  await task.getByRole("button", { name: "Reopen Send the invoice" }).click();
  await expect(task.getByRole("button", { name: "Done" })).toBeVisible();
  await expect(page.getByText("Send the invoice")).not.toHaveClass(/line-through/);

  // Deleting it (which also cancels a reminder still waiting) empties the list.
  await task.getByRole("button", { name: "Delete Send the invoice" }).click();
  await expect(page.getByText("No tasks yet. Add one above.")).toBeVisible();
});

test("a long task list loads page by page with Load more", async ({ page }) => {
  await signUp(page, { name: "Lena", email: uniqueEmail("lena"), password: "lena-password-1" });
  // 55 tasks, in batches as the tRPC client sends them (at most 10 calls per batch).
  for (let first = 0; first < 55; first += 10) {
    const count = Math.min(10, 55 - first);
    const inputs = Object.fromEntries(Array.from({ length: count }, (_, i) => [i, { json: { title: `Chore ${String(first + i).padStart(2, "0")}` } }]));
    const response = await page.request.post(`/api/trpc/${Array(count).fill("tasks.create").join(",")}?batch=1`, {
      data: JSON.stringify(inputs),
      headers: { "content-type": "application/json" },
    });
    expect(response.status()).toBe(200);
  }
  await page.goto("/tasks");
  const items = page.getByRole("list", { name: "Tasks" }).getByRole("listitem");
  await expect(items).toHaveCount(50);
  await page.getByRole("button", { name: "Load more" }).click();
  await expect(items).toHaveCount(55);
  await expect(page.getByRole("button", { name: "Load more" })).toHaveCount(0);
});
