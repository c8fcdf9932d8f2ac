import Link from "next/link";

export default function Forbidden() {
  return (
    <div className="mx-auto max-w-md text-center" data-testid="forbidden">
      <p className="text-sm font-semibold text-red-600">403 · Forbidden</p>
      <h1 className="mt-2 text-2xl font-semibold text-slate-900">Admins only</h1>
      <p className="mt-2 text-slate-600">Your account can't open this page. Ask an admin if you need access.</p>
      <Link href="/settings/sms" className="mt-6 inline-block text-indigo-600 hover:underline">
        Back to your settings
      </Link>
    </div>
  );
}
